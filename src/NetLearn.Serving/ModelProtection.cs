using System.Security.Cryptography;
using System.Text;

namespace NetLearn.Serving;

/// <summary>
/// Model files encrypted at rest and signed. Encryption: AES-256-GCM (NIST SP 800-38D) with a random 96-bit nonce; the file
/// is <c>"NLMENC01"</c> ‖ nonce (12 bytes) ‖ tag (16 bytes) ‖ ciphertext, the 8-byte header being authenticated data, so
/// any change to the file fails decryption. Signatures: ECDSA P-256 over SHA-256 (FIPS 186-4) of the file as stored
/// (encrypted or not), IEEE P1363 encoding, base64 in <c>FILE.sig</c> beside it.
/// </summary>
public static class ModelProtection
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] Magic = "NLMENC01"u8.ToArray();

    /// <summary>The extension of encrypted model files (<c>model.nlm.enc</c>).</summary>
    public const string EncryptedExtension = ".enc";

    /// <summary>The extension of signature files (<c>model.nlm.sig</c>).</summary>
    public const string SignatureExtension = ".sig";

    /// <summary>A new random 256-bit key, base64 (what the key file or environment variable holds).</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>Reads a base64 256-bit key.</summary>
    /// <exception cref="DataValidationException">Not base64 or not 32 bytes.</exception>
    public static byte[] ParseKey(string base64, string source)
    {
        ArgumentNullException.ThrowIfNull(base64);
        try
        {
            byte[] key = Convert.FromBase64String(base64.Trim());
            return key.Length == 32 ? key : throw new FormatException("length");
        }
        catch (FormatException)
        {
            throw new DataValidationException($"The model key from {source} must be 32 bytes in base64 (make one with 'netlearn secure model-key')");
        }
    }

    /// <summary>Encrypts a model file's bytes.</summary>
    public static byte[] Encrypt(ReadOnlySpan<byte> plain, byte[] key)
    {
        byte[] result = new byte[Magic.Length + NonceSize + TagSize + plain.Length];
        Magic.CopyTo(result, 0);
        var nonce = result.AsSpan(Magic.Length, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plain, result.AsSpan(Magic.Length + NonceSize + TagSize), result.AsSpan(Magic.Length + NonceSize, TagSize), Magic);
        return result;
    }

    /// <summary>Decrypts what <see cref="Encrypt"/> wrote.</summary>
    /// <exception cref="ModelFileException">Not an encrypted model file, the wrong key, or altered.</exception>
    public static byte[] Decrypt(ReadOnlySpan<byte> file, byte[] key, string path)
    {
        if (file.Length < Magic.Length + NonceSize + TagSize || !file[..Magic.Length].SequenceEqual(Magic))
        {
            throw new ModelFileException(path, "is not an encrypted NetLearn model file (it lacks the NLMENC01 header)");
        }

        byte[] plain = new byte[file.Length - Magic.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(file.Slice(Magic.Length, NonceSize), file[(Magic.Length + NonceSize + TagSize)..], file.Slice(Magic.Length + NonceSize, TagSize), plain, Magic);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new ModelFileException(path, "cannot be decrypted: the key is wrong or the file was altered", e);
        }

        return plain;
    }

    /// <summary>Signs a file's bytes with an ECDSA P-256 private key; returns the base64 signature.</summary>
    public static string Sign(ReadOnlySpan<byte> file, ECDsa privateKey)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        return Convert.ToBase64String(privateKey.SignData(file, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    /// <summary>True when <paramref name="signature"/> (base64) is a valid signature of <paramref name="file"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> file, string signature, ECDsa publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        ArgumentNullException.ThrowIfNull(signature);
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(signature.Trim());
        }
        catch (FormatException)
        {
            return false;
        }

        return publicKey.VerifyData(file, bytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>Loads an ECDSA key from a PEM file (public or private).</summary>
    public static ECDsa ReadKey(string pemFile)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(pemFile, Encoding.ASCII));
            return key;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new DataValidationException($"'{pemFile}' does not hold a PEM ECDSA key", file: pemFile, inner: e);
        }
    }
}

/// <summary>Hashes of API keys as stored in the configuration: the keys themselves are never written down.</summary>
public static class ApiKeyHash
{
    private const int Iterations = 100_000;

    /// <summary>A new random API key (URL-safe base64, 256 bits).</summary>
    public static string NewKey() => "nlk_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The PBKDF2-SHA256 hash (RFC 8018) of a key with a random salt: <c>pbkdf2-sha256:ITERATIONS:SALT:HASH</c>.</summary>
    public static string Pbkdf2(string key, int iterations = Iterations)
    {
        ArgumentNullException.ThrowIfNull(key);
        byte[] salt = RandomNumberGenerator.GetBytes(16);
        byte[] hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(key), salt, iterations, HashAlgorithmName.SHA256, 32);
        return FormattableString.Invariant($"pbkdf2-sha256:{iterations}:{Convert.ToBase64String(salt)}:{Convert.ToBase64String(hash)}");
    }

    /// <summary>The plain SHA-256 hash of a key: <c>sha256:HEX</c> (fine for long random keys, cheaper to check).</summary>
    public static string Sha256(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }

    /// <summary>True when <paramref name="hash"/> is in one of the two formats.</summary>
    public static bool IsValidFormat(string hash) => TryParse(hash, out _);

    /// <summary>Checks a presented key against a stored hash in constant time.</summary>
    public static bool Verify(string key, string hash)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!TryParse(hash, out var parsed))
        {
            return false;
        }

        byte[] actual = parsed.Iterations == 0
            ? SHA256.HashData(Encoding.UTF8.GetBytes(key))
            : Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(key), parsed.Salt, parsed.Iterations, HashAlgorithmName.SHA256, parsed.Hash.Length);
        return CryptographicOperations.FixedTimeEquals(actual, parsed.Hash);
    }

    private static bool TryParse(string hash, out (int Iterations, byte[] Salt, byte[] Hash) parsed)
    {
        parsed = default;
        if (string.IsNullOrEmpty(hash))
        {
            return false;
        }

        try
        {
            if (hash.StartsWith("sha256:", StringComparison.Ordinal))
            {
                byte[] h = Convert.FromHexString(hash.AsSpan(7));
                parsed = (0, [], h);
                return h.Length == 32;
            }

            string[] parts = hash.Split(':');
            if (parts.Length == 4 && parts[0] == "pbkdf2-sha256" && int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int iterations) && iterations >= 1000)
            {
                parsed = (iterations, Convert.FromBase64String(parts[2]), Convert.FromBase64String(parts[3]));
                return parsed.Salt.Length >= 8 && parsed.Hash.Length >= 16;
            }
        }
        catch (FormatException)
        {
        }

        return false;
    }
}
