using System.Security.Cryptography;
using NetLearn.Serving.Tests.Infrastructure;

namespace NetLearn.Serving.Tests;

public sealed class ProtectionTests
{
    private const string Row = "{\"rows\":[{\"sepal_length\":5.1,\"sepal_width\":3.5,\"petal_length\":1.4,\"petal_width\":0.2}]}";

    [Fact]
    public void Encryption_round_trips_and_detects_tampering_and_wrong_keys()
    {
        byte[] key = Convert.FromBase64String(ModelProtection.NewKey());
        byte[] plain = File.ReadAllBytes(TestModels.IrisPath);
        byte[] sealedBytes = ModelProtection.Encrypt(plain, key);
        Assert.Equal(plain, ModelProtection.Decrypt(sealedBytes, key, "m"));
        Assert.NotEqual(sealedBytes, ModelProtection.Encrypt(plain, key)); // fresh nonce each time

        byte[] altered = (byte[])sealedBytes.Clone();
        altered[^5] ^= 1;
        Assert.Contains("altered", Assert.Throws<ModelFileException>(() => ModelProtection.Decrypt(altered, key, "m")).Message, StringComparison.Ordinal);
        Assert.Throws<ModelFileException>(() => ModelProtection.Decrypt(sealedBytes, Convert.FromBase64String(ModelProtection.NewKey()), "m"));
        Assert.Throws<ModelFileException>(() => ModelProtection.Decrypt(plain, key, "m"));
    }

    [Fact]
    public async Task An_encrypted_model_is_decrypted_with_the_key_from_the_environment()
    {
        string key = ModelProtection.NewKey();
        string variable = "NETLEARN_TEST_MODEL_KEY_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, key);
        try
        {
            var config = new ServerConfig { ModelProtection = new ModelProtectionConfig { KeyEnvironmentVariable = variable } };
            await using var s = await TestServer.StartAsync(config, root =>
            {
                string dir = Path.Combine(root, "secret", "1");
                Directory.CreateDirectory(dir);
                File.WriteAllBytes(Path.Combine(dir, "model.nlm.enc"), ModelProtection.Encrypt(File.ReadAllBytes(TestModels.IrisPath), Convert.FromBase64String(key)));
            });
            var (status, body, _) = await s.PostAsync("v1/models/secret:predict", Row);
            Assert.Equal(200, status);
            Assert.Equal("setosa", body!["predictions"]![0]!.GetValue<string>());
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task An_encrypted_model_without_a_key_is_reported_not_served()
    {
        await using var s = await TestServer.StartAsync(layout: root =>
        {
            string dir = Path.Combine(root, "secret", "1");
            Directory.CreateDirectory(dir);
            File.WriteAllBytes(Path.Combine(dir, "model.nlm.enc"), ModelProtection.Encrypt(File.ReadAllBytes(TestModels.IrisPath), Convert.FromBase64String(ModelProtection.NewKey())));
        });
        var (status, body, _) = await s.PostAsync("v1/models/secret:predict", Row);
        Assert.Equal(404, status);
        Assert.Contains("no key is configured", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signed_models_load_and_unsigned_or_forged_ones_are_refused_when_signatures_are_required()
    {
        string keys = Directory.CreateTempSubdirectory("netlearn-keys-").FullName;
        using var signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(Path.Combine(keys, "public.pem"), signer.ExportSubjectPublicKeyInfoPem());
        var config = new ServerConfig { StrictReadiness = false, ModelProtection = new ModelProtectionConfig { SignaturePublicKeyFile = Path.Combine(keys, "public.pem"), RequireSignature = true } };
        await using var s = await TestServer.StartAsync(config, root =>
        {
            byte[] bytes = File.ReadAllBytes(TestModels.IrisPath);
            foreach (var (name, signature) in new[] { ("signed", ModelProtection.Sign(bytes, signer)), ("forged", ModelProtection.Sign(bytes, other)), ("unsigned", (string?)null) })
            {
                string file = TestServer.AddVersion(root, name, 1, TestModels.IrisPath);
                if (signature is not null)
                {
                    File.WriteAllText(file + ".sig", signature);
                }
            }
        }, iris: false);

        Assert.Equal(200, (await s.PostAsync("v1/models/signed:predict", Row)).Status);
        var forged = await s.PostAsync("v1/models/forged:predict", Row);
        Assert.Equal(404, forged.Status);
        Assert.Contains("signature does not verify", forged.Body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        var unsigned = await s.PostAsync("v1/models/unsigned:predict", Row);
        Assert.Contains("has no signature", unsigned.Body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Directory.Delete(keys, true);
    }
}
