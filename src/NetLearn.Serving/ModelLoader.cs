using System.Security.Cryptography;
using System.Text.Json.Nodes;
using NetLearn.ModelFiles;

namespace NetLearn.Serving;

/// <summary>
/// Reads model files for the server: <c>model.nlm</c>, <c>model.onnx</c> (ONNX Runtime), and either encrypted
/// (<c>.enc</c>, AES-GCM, decrypted in memory); checks <c>FILE.sig</c> signatures when a public key is configured, and refuses unsigned files when
/// signatures are required.
/// </summary>
public sealed class ModelLoader : IDisposable
{
    /// <summary>File names a version folder may hold, in order of preference.</summary>
    public static readonly IReadOnlyList<string> ModelFileNames = ["model.nlm", "model.nlm" + ModelProtection.EncryptedExtension, "model.onnx", "model.onnx" + ModelProtection.EncryptedExtension];

    private readonly ModelProtectionConfig _protection;
    private readonly ECDsa? _publicKey;
    private byte[]? _key;

    /// <summary>Creates a loader with the given protection settings.</summary>
    /// <exception cref="DataValidationException">A configured key cannot be read.</exception>
    public ModelLoader(ModelProtectionConfig? protection)
    {
        _protection = protection ?? new ModelProtectionConfig();
        if (_protection.SignaturePublicKeyFile is { Length: > 0 } pem)
        {
            _publicKey = ModelProtection.ReadKey(pem);
        }
        else if (_protection.RequireSignature)
        {
            throw new DataValidationException("model_protection.require_signature is true but no signature_public_key_file is given");
        }
    }

    /// <summary>Loads and verifies one model file.</summary>
    /// <exception cref="ModelFileException">The file cannot be used; the message says why.</exception>
    /// <exception cref="NetLearnException">The file holds something the server cannot serve.</exception>
    public Servable Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFileException(path, $"cannot be read: {e.Message}", e);
        }

        CheckSignature(path, bytes);
        if (path.EndsWith(ModelProtection.EncryptedExtension, StringComparison.Ordinal))
        {
            bytes = ModelProtection.Decrypt(bytes, Key(path), path);
        }

        if (path.EndsWith(".onnx", StringComparison.Ordinal) || path.EndsWith(".onnx" + ModelProtection.EncryptedExtension, StringComparison.Ordinal))
        {
            return OnnxServable.Load(path, bytes);
        }

        using var stream = new MemoryStream(bytes, writable: false);
        var (model, manifest) = ModelFile.LoadWithManifest(stream, path);
        return new NlmServable(model, (JsonObject)JsonNode.Parse(manifest.ToJsonString())!);
    }

    /// <inheritdoc />
    public void Dispose() => _publicKey?.Dispose();

    private void CheckSignature(string path, byte[] bytes)
    {
        string signaturePath = path + ModelProtection.SignatureExtension;
        bool hasSignature = File.Exists(signaturePath);
        if (_publicKey is null)
        {
            return;
        }

        if (!hasSignature)
        {
            if (_protection.RequireSignature)
            {
                throw new ModelFileException(path, $"has no signature ({Path.GetFileName(signaturePath)}) and this server requires signed models. Sign it with 'netlearn secure sign'");
            }

            return;
        }

        if (!ModelProtection.Verify(bytes, File.ReadAllText(signaturePath), _publicKey))
        {
            throw new ModelFileException(path, "the signature does not verify with the configured public key: the file was altered or signed with another key. Refusing to load it");
        }
    }

    private byte[] Key(string path)
    {
        if (_key is not null)
        {
            return _key;
        }

        if (_protection.KeyEnvironmentVariable is { Length: > 0 } variable && Environment.GetEnvironmentVariable(variable) is { Length: > 0 } fromEnvironment)
        {
            return _key = ModelProtection.ParseKey(fromEnvironment, $"environment variable {variable}");
        }

        if (_protection.KeyFile is { Length: > 0 } file && File.Exists(file))
        {
            return _key = ModelProtection.ParseKey(File.ReadAllText(file), $"file '{file}'");
        }

        throw new ModelFileException(path, "is encrypted but no key is configured: set model_protection.key_environment_variable (and that variable) or key_file in the server configuration");
    }
}
