// Marks one symbol-version requirement of an ELF64 shared library as weak (VER_FLG_WEAK in its Vernaux entry of the
// .gnu.version_r section), so the dynamic loader accepts the library where that version is missing.
//
// Why: TorchSharp's libLibTorchSharp.so (built with GCC 13) requires GLIBCXX_3.4.32, which Debian 12's libstdc++
// (GCC 12, up to GLIBCXX_3.4.30) lacks. The only symbol at that version is std::ios_base_library_init, a marker that
// nothing relocates against, so a weak requirement is safe. See docs/decisions.md, decision 8.1.
//
// This file is compiled twice: by MSBuild's RoslynCodeTaskFactory as the MarkElfVersionWeak build task
// (build/NetLearn.Deep.targets), and into tests/NetLearn.Deep.Tests (with ELF_PATCH_TESTS defined, which leaves the
// task wrapper out). It therefore targets netstandard2.0 APIs only.
//
// Format reference: System V ABI ELF-64 Object File Format 1.5 (headers, section headers) and the Linux Standard Base
// Core Specification, "Symbol Versioning" (Elf64_Verneed / Elf64_Vernaux, VER_FLG_WEAK = 0x2).
using System;
using System.IO;
using System.Text;

namespace NetLearn.Build;

/// <summary>What <see cref="ElfVersionPatch.MarkWeak(byte[], string)"/> did.</summary>
public enum ElfPatchOutcome
{
    /// <summary>The requirement was strong and is now weak.</summary>
    Patched,

    /// <summary>The requirement was already weak (an earlier build patched it): nothing changed.</summary>
    AlreadyWeak,

    /// <summary>The library does not require that version at all: nothing to do.</summary>
    NotRequired,
}

/// <summary>The file is not an ELF64 library this patcher understands, or its version tables are malformed.</summary>
public sealed class ElfFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ElfFormatException(string message)
        : base(message)
    {
    }
}

/// <summary>Parses ELF64 little-endian section headers and version-requirement chains, and flips VER_FLG_WEAK.</summary>
public static class ElfVersionPatch
{
    /// <summary>The weak-requirement flag of a Vernaux entry.</summary>
    public const ushort VerFlagWeak = 0x2;

    /// <summary>Section type of .gnu.version_r.</summary>
    public const uint ShtGnuVerneed = 0x6ffffffe;

    private const int MaxChainLength = 100000;

    /// <summary>Finds the Vernaux entry named <paramref name="versionName"/> and returns its flags' file offset, or -1.</summary>
    /// <exception cref="ElfFormatException">Not ELF64 little-endian, or a table points outside the file.</exception>
    public static long FindVernauxFlagsOffset(byte[] elf, string versionName)
    {
        if (elf == null)
        {
            throw new ArgumentNullException(nameof(elf));
        }

        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
        {
            throw new ElfFormatException("not an ELF file (bad magic number)");
        }

        if (elf[4] != 2)
        {
            throw new ElfFormatException("not a 64-bit ELF file (EI_CLASS is " + elf[4] + ", expected 2)");
        }

        if (elf[5] != 1)
        {
            throw new ElfFormatException("not a little-endian ELF file (EI_DATA is " + elf[5] + ", expected 1)");
        }

        long shoff = (long)U64(elf, 0x28);
        int shentsize = U16(elf, 0x3A);
        int shnum = U16(elf, 0x3C);
        if (shoff == 0 || shnum == 0)
        {
            throw new ElfFormatException("the file has no section headers");
        }

        if (shentsize < 64)
        {
            throw new ElfFormatException("section header entries are " + shentsize + " bytes, expected at least 64");
        }

        Check(elf, shoff, (long)shnum * shentsize, "section header table");
        for (int i = 0; i < shnum; i++)
        {
            long header = shoff + ((long)i * shentsize);
            if (U32(elf, header + 4) != ShtGnuVerneed)
            {
                continue;
            }

            long offset = (long)U64(elf, header + 0x18);
            long size = (long)U64(elf, header + 0x20);
            int link = (int)U32(elf, header + 0x28);
            int count = (int)U32(elf, header + 0x2C);
            Check(elf, offset, size, "the .gnu.version_r section");
            if (link <= 0 || link >= shnum)
            {
                throw new ElfFormatException(".gnu.version_r links to section " + link + ", which does not exist");
            }

            long strHeader = shoff + ((long)link * shentsize);
            long strOffset = (long)U64(elf, strHeader + 0x18);
            long strSize = (long)U64(elf, strHeader + 0x20);
            Check(elf, strOffset, strSize, "the string table of .gnu.version_r");
            return Search(elf, offset, size, count, strOffset, strSize, versionName);
        }

        return -1;
    }

    /// <summary>Marks the requirement weak in <paramref name="elf"/> (in place) when it is present and strong.</summary>
    /// <exception cref="ElfFormatException">The file cannot be parsed.</exception>
    public static ElfPatchOutcome MarkWeak(byte[] elf, string versionName)
    {
        long flags = FindVernauxFlagsOffset(elf, versionName);
        if (flags < 0)
        {
            return ElfPatchOutcome.NotRequired;
        }

        ushort value = U16(elf, flags);
        if ((value & VerFlagWeak) != 0)
        {
            return ElfPatchOutcome.AlreadyWeak;
        }

        value |= VerFlagWeak;
        elf[flags] = (byte)(value & 0xff);
        elf[flags + 1] = (byte)(value >> 8);
        return ElfPatchOutcome.Patched;
    }

    /// <summary>
    /// Patches the file at <paramref name="path"/>. The change is written to a copy that then replaces the file, so a
    /// hard link into the NuGet cache is broken rather than written through: only this copy changes.
    /// </summary>
    /// <exception cref="ElfFormatException">The file cannot be parsed.</exception>
    public static ElfPatchOutcome MarkWeakInFile(string path, string versionName)
    {
        byte[] bytes = File.ReadAllBytes(path);
        ElfPatchOutcome outcome = MarkWeak(bytes, versionName);
        if (outcome != ElfPatchOutcome.Patched)
        {
            return outcome;
        }

        string temp = path + ".netlearn-patch.tmp";
        File.Copy(path, temp, true); // keeps the file mode
        using (var stream = new FileStream(temp, FileMode.Open, FileAccess.Write))
        {
            stream.Write(bytes, 0, bytes.Length);
        }

        File.Delete(path);
        File.Move(temp, path);
        return outcome;
    }

    private static long Search(byte[] elf, long offset, long size, int count, long strOffset, long strSize, string versionName)
    {
        long end = offset + size;
        long verneed = offset;
        for (int n = 0; n < count && n < MaxChainLength; n++)
        {
            Check(elf, verneed, 16, "a Verneed entry");
            if (verneed + 16 > end)
            {
                throw new ElfFormatException("a Verneed entry runs past the end of .gnu.version_r");
            }

            int auxCount = U16(elf, verneed + 2);
            long aux = verneed + U32(elf, verneed + 8);
            for (int a = 0; a < auxCount; a++)
            {
                Check(elf, aux, 16, "a Vernaux entry");
                if (aux < offset || aux + 16 > end)
                {
                    throw new ElfFormatException("a Vernaux entry lies outside .gnu.version_r");
                }

                long name = U32(elf, aux + 8);
                if (name >= strSize)
                {
                    throw new ElfFormatException("a Vernaux name points outside the string table");
                }

                if (NameEquals(elf, strOffset + name, strOffset + strSize, versionName))
                {
                    return aux + 4;
                }

                uint nextAux = U32(elf, aux + 12);
                if (nextAux == 0)
                {
                    break;
                }

                aux += nextAux;
            }

            uint next = U32(elf, verneed + 12);
            if (next == 0)
            {
                break;
            }

            verneed += next;
        }

        return -1;
    }

    private static bool NameEquals(byte[] elf, long start, long limit, string expected)
    {
        byte[] want = Encoding.ASCII.GetBytes(expected);
        if (start + want.Length >= limit)
        {
            return false;
        }

        for (int i = 0; i < want.Length; i++)
        {
            if (elf[start + i] != want[i])
            {
                return false;
            }
        }

        return elf[start + want.Length] == 0;
    }

    private static void Check(byte[] elf, long offset, long length, string what)
    {
        if (offset < 0 || length < 0 || offset + length > elf.Length)
        {
            throw new ElfFormatException(what + " lies outside the file (offset " + offset + ", length " + length + ", file size " + elf.Length + ")");
        }
    }

    private static ushort U16(byte[] b, long at)
    {
        Check(b, at, 2, "a field");
        return (ushort)(b[at] | (b[at + 1] << 8));
    }

    private static uint U32(byte[] b, long at)
    {
        Check(b, at, 4, "a field");
        return (uint)(b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24));
    }

    private static ulong U64(byte[] b, long at) => U32(b, at) | ((ulong)U32(b, at + 4) << 32);
}

#if !ELF_PATCH_TESTS
/// <summary>MSBuild task: marks <see cref="VersionName"/> weak in each of <see cref="Files"/> (only when needed).</summary>
public sealed class MarkElfVersionWeak : Microsoft.Build.Utilities.Task
{
    /// <summary>The output copies of the library to patch.</summary>
    [Microsoft.Build.Framework.Required]
    public Microsoft.Build.Framework.ITaskItem[] Files { get; set; }

    /// <summary>The version requirement to mark weak, for example GLIBCXX_3.4.32.</summary>
    [Microsoft.Build.Framework.Required]
    public string VersionName { get; set; }

    /// <summary>Patches every file; logs an error (failing the build) when one cannot be patched.</summary>
    public override bool Execute()
    {
        foreach (var item in Files)
        {
            string path = item.ItemSpec;
            if (!File.Exists(path))
            {
                Log.LogError("NetLearn.Deep: cannot patch '{0}': the file is not in the build output. Rebuild, or set NetLearnPatchLibTorchSharp=false to skip the patch (the library then needs a libstdc++ with {1}).", path, VersionName);
                continue;
            }

            try
            {
                ElfPatchOutcome outcome = ElfVersionPatch.MarkWeakInFile(path, VersionName);
                Log.LogMessage(
                    outcome == ElfPatchOutcome.Patched ? Microsoft.Build.Framework.MessageImportance.High : Microsoft.Build.Framework.MessageImportance.Low,
                    "NetLearn.Deep: {0}: {1} requirement {2}.",
                    path,
                    VersionName,
                    outcome == ElfPatchOutcome.Patched ? "marked weak" : outcome == ElfPatchOutcome.AlreadyWeak ? "already weak, unchanged" : "absent, unchanged");
            }
            catch (Exception e) when (e is ElfFormatException || e is IOException || e is UnauthorizedAccessException)
            {
                Log.LogError("NetLearn.Deep: cannot mark the {0} requirement of '{1}' weak: {2}. Without this patch the library fails to load on systems whose libstdc++ lacks {0} (Debian 12). Check that the file is TorchSharp's Linux x64 libLibTorchSharp.so and is writable, or set NetLearnPatchLibTorchSharp=false to skip the patch.", VersionName, path, e.Message);
            }
        }

        return !Log.HasLoggedErrors;
    }
}
#endif
