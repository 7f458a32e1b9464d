using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using NetLearn.Data.IO;
using NetLearn.Serving;

namespace NetLearn.Cli.Commands;

/// <summary><c>netlearn secure</c>: API keys and their hashes, model keys, encrypted and signed model files for the server.</summary>
public static class SecureCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console)
    {
        var command = new Command("secure", "Make API keys (and the hashes the server configuration stores), encrypt and sign model files.");

        var keyName = new Option<string>("--name") { Description = "The caller's name.", DefaultValueFactory = _ => "client" };
        var permissions = new Option<string[]>("--permission") { Description = "ACTION:MODEL (infer:iris, metadata:*, health:*, admin:*); repeatable.", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => ["infer:*", "metadata:*"] };
        var apiKey = new Command("api-key", "Print a new random API key and its config entry (only the PBKDF2 hash goes into server.json).") { keyName, permissions };
        apiKey.SetAction(parse =>
        {
            string key = ApiKeyHash.NewKey();
            foreach (string p in parse.GetValue(permissions)!)
            {
                _ = Permission.Parse(p);
            }

            console.WriteJson(new JsonObject
            {
                ["api_key"] = key,
                ["config_entry"] = new JsonObject
                {
                    ["name"] = parse.GetValue(keyName),
                    ["hash"] = ApiKeyHash.Pbkdf2(key),
                    ["permissions"] = new JsonArray([.. parse.GetValue(permissions)!.Select(p => (JsonNode)p)]),
                },
            });
            return ExitCodes.Ok;
        });
        command.Add(apiKey);

        var modelKey = new Command("model-key", "Print a new random 256-bit AES key (base64) for encrypted model files.");
        modelKey.SetAction(_ =>
        {
            console.Out.WriteLine(ModelProtection.NewKey());
            return ExitCodes.Ok;
        });
        command.Add(modelKey);

        var input = new Option<string>("--model") { Description = "The model file.", Required = true };
        var keyFile = new Option<string>("--key-file") { Description = "File with the base64 AES key.", Required = true };
        var output = new Option<string>("--out") { Description = "Where to write the encrypted file (conventionally model.nlm.enc).", Required = true };
        var encrypt = new Command("encrypt", "Encrypt a model file with AES-256-GCM.") { input, keyFile, output };
        encrypt.SetAction(parse =>
        {
            string file = parse.GetValue(keyFile)!;
            byte[] key = ModelProtection.ParseKey(File.ReadAllText(file), $"file '{file}'");
            byte[] sealedBytes = ModelProtection.Encrypt(File.ReadAllBytes(parse.GetValue(input)!), key);
            AtomicFile.Write(parse.GetValue(output)!, s => s.Write(sealedBytes));
            console.Notice($"Encrypted {parse.GetValue(input)} -> {parse.GetValue(output)}");
            return ExitCodes.Ok;
        });
        command.Add(encrypt);

        var signInput = new Option<string>("--model") { Description = "The model file (plain or encrypted) to sign.", Required = true };
        var privateKey = new Option<string?>("--private-key") { Description = "PEM file with an ECDSA P-256 private key; a new pair is made when absent." };
        var sign = new Command("sign", "Sign a model file with ECDSA P-256; writes FILE.sig beside it.") { signInput, privateKey };
        sign.SetAction(parse =>
        {
            string model = parse.GetValue(signInput)!;
            ECDsa key;
            if (parse.GetValue(privateKey) is { } pem)
            {
                key = ModelProtection.ReadKey(pem);
            }
            else
            {
                key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                string dir = Path.GetDirectoryName(Path.GetFullPath(model))!;
                AtomicFile.Write(Path.Combine(dir, "signing-key.pem"), s => s.Write(System.Text.Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem())));
                AtomicFile.Write(Path.Combine(dir, "signing-key.pub.pem"), s => s.Write(System.Text.Encoding.ASCII.GetBytes(key.ExportSubjectPublicKeyInfoPem())));
                console.Notice($"Made a new key pair: {Path.Combine(dir, "signing-key.pem")} (keep it secret) and signing-key.pub.pem (for the server)");
            }

            using (key)
            {
                string signature = ModelProtection.Sign(File.ReadAllBytes(model), key);
                AtomicFile.Write(model + ModelProtection.SignatureExtension, s => s.Write(System.Text.Encoding.ASCII.GetBytes(signature)));
            }

            console.Notice($"Signed {model} -> {model}{ModelProtection.SignatureExtension}");
            return ExitCodes.Ok;
        });
        command.Add(sign);
        return command;
    }
}
