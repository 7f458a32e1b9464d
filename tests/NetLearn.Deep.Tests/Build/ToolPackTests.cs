using System.Diagnostics;
using System.IO.Compression;
using NetLearn.Build;

namespace NetLearn.Deep.Tests.Build;

/// <summary>
/// The libLibTorchSharp.so patch in a <c>dotnet pack</c>ed .NET tool (decision 8.1), without packing the 357 MB CLI:
/// a minimal tool project imports the real <c>NetLearn.Deep.targets</c> and ships a synthetic ELF64 library that
/// requires GLIBCXX_3.4.32 at the path TorchSharp's native asset has (runtimes/linux-x64/native). The SDK packs a tool by
/// publishing and globbing the publish folder, so the package must contain the weak (patched) copy while the source
/// file stays untouched.
/// </summary>
public sealed class ToolPackTests
{
    private const string Library = "libLibTorchSharp.so";

    [Fact]
    public void PackedToolContainsThePatchedLibrary()
    {
        string targets = Path.Combine(RepositoryRoot(), "src", "NetLearn.Deep", "build", "NetLearn.Deep.targets");
        string dir = Directory.CreateTempSubdirectory("netlearn-toolpack-").FullName;
        try
        {
            byte[] original = SyntheticElf.Build(("libstdc++.so.6", [("GLIBCXX_3.4", 0), ("GLIBCXX_3.4.32", 0)]), ("libc.so.6", [("GLIBC_2.2.5", 0)]));
            File.WriteAllBytes(Path.Combine(dir, Library), original);
            File.WriteAllText(Path.Combine(dir, "Program.cs"), "System.Console.WriteLine(\"tool\");\n");
            File.WriteAllText(Path.Combine(dir, "PackProbe.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <PackAsTool>true</PackAsTool>
                    <ToolCommandName>packprobe</ToolCommandName>
                    <ImplicitUsings>disable</ImplicitUsings>
                    <GenerateDocumentationFile>false</GenerateDocumentationFile>
                  </PropertyGroup>
                  <ItemGroup>
                    <None Include="{Library}" Link="runtimes/linux-x64/native/{Library}" CopyToOutputDirectory="PreserveNewest" CopyToPublishDirectory="PreserveNewest" />
                  </ItemGroup>
                  <Import Project="{targets}" />
                </Project>
                """);
            File.WriteAllText(Path.Combine(dir, "Directory.Build.props"), "<Project />");
            File.WriteAllText(Path.Combine(dir, "Directory.Build.targets"), "<Project />");
            File.WriteAllText(Path.Combine(dir, "Directory.Packages.props"), "<Project />");

            var (exitCode, output) = Dotnet(dir, "pack", "PackProbe.csproj", "-c", "Release", "-o", "out", "-nodeReuse:false", "--disable-build-servers", "-p:UseSharedCompilation=false");
            Assert.True(exitCode == 0, output);

            string package = Directory.GetFiles(Path.Combine(dir, "out"), "*.nupkg").Single();
            using var zip = ZipFile.OpenRead(package);
            var entry = zip.Entries.Single(e => e.FullName.EndsWith("runtimes/linux-x64/native/" + Library, StringComparison.Ordinal));
            Assert.StartsWith("tools/net10.0/any/", entry.FullName, StringComparison.Ordinal);
            using var stream = new MemoryStream();
            using (var source = entry.Open())
            {
                source.CopyTo(stream);
            }

            var flags = SyntheticElf.ReadFlags(stream.ToArray());
            Assert.Equal(ElfVersionPatch.VerFlagWeak, flags["GLIBCXX_3.4.32"]);
            Assert.Equal(0, flags["GLIBCXX_3.4"]);
            Assert.Equal(original, File.ReadAllBytes(Path.Combine(dir, Library)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static (int ExitCode, string Output) Dotnet(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NetLearn.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (NetLearn.slnx) is not above the test output folder");
    }
}
