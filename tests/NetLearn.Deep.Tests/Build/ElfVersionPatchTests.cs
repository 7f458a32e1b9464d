using System.Diagnostics;
using System.Text;
using CsCheck;
using NetLearn.Build;

namespace NetLearn.Deep.Tests.Build;

/// <summary>The ELF patcher on synthetic ELF64 files with a real section layout (.dynstr, .gnu.version_r, .shstrtab).</summary>
public sealed class ElfVersionPatchTests
{
    [Fact]
    public void MarksOnlyTheNamedRequirementWeak()
    {
        byte[] elf = SyntheticElf.Build(("libstdc++.so.6", [("GLIBCXX_3.4", 0), ("GLIBCXX_3.4.32", 0), ("CXXABI_1.3", 0)]), ("libc.so.6", [("GLIBC_2.2.5", 0)]));
        byte[] before = (byte[])elf.Clone();

        Assert.Equal(ElfPatchOutcome.Patched, ElfVersionPatch.MarkWeak(elf, "GLIBCXX_3.4.32"));

        var flags = SyntheticElf.ReadFlags(elf);
        Assert.Equal(0, flags["GLIBCXX_3.4"]);
        Assert.Equal(ElfVersionPatch.VerFlagWeak, flags["GLIBCXX_3.4.32"]);
        Assert.Equal(0, flags["CXXABI_1.3"]);
        Assert.Equal(0, flags["GLIBC_2.2.5"]);
        Assert.Single(Enumerable.Range(0, elf.Length), i => elf[i] != before[i]);
    }

    [Fact]
    public void IsIdempotent()
    {
        byte[] elf = SyntheticElf.Build(("libstdc++.so.6", [("GLIBCXX_3.4.32", 0)]));
        Assert.Equal(ElfPatchOutcome.Patched, ElfVersionPatch.MarkWeak(elf, "GLIBCXX_3.4.32"));
        byte[] once = (byte[])elf.Clone();
        Assert.Equal(ElfPatchOutcome.AlreadyWeak, ElfVersionPatch.MarkWeak(elf, "GLIBCXX_3.4.32"));
        Assert.Equal(once, elf);
    }

    [Fact]
    public void KeepsOtherFlagBits()
    {
        byte[] elf = SyntheticElf.Build(("libstdc++.so.6", [("GLIBCXX_3.4.32", 0x1)]));
        ElfVersionPatch.MarkWeak(elf, "GLIBCXX_3.4.32");
        Assert.Equal(0x3, SyntheticElf.ReadFlags(elf)["GLIBCXX_3.4.32"]);
    }

    [Fact]
    public void LeavesLibrariesWithoutTheRequirementAlone()
    {
        byte[] elf = SyntheticElf.Build(("libstdc++.so.6", [("GLIBCXX_3.4.3", 0), ("GLIBCXX_3.4.321", 0)]));
        byte[] before = (byte[])elf.Clone();
        Assert.Equal(ElfPatchOutcome.NotRequired, ElfVersionPatch.MarkWeak(elf, "GLIBCXX_3.4.32"));
        Assert.Equal(before, elf);
    }

    [Fact]
    public void FindsTheEntryInALaterVerneed()
    {
        byte[] elf = SyntheticElf.Build(("libc.so.6", [("GLIBC_2.2.5", 0), ("GLIBC_2.14", 0)]), ("libm.so.6", [("GLIBC_2.29", 0)]), ("libstdc++.so.6", [("GLIBCXX_3.4.32", 0)]));
        Assert.Equal(ElfPatchOutcome.Patched, ElfVersionPatch.MarkWeak(elf, "GLIBCXX_3.4.32"));
        Assert.Equal(ElfVersionPatch.VerFlagWeak, SyntheticElf.ReadFlags(elf)["GLIBCXX_3.4.32"]);
    }

    [Fact]
    public void RejectsWhatItCannotParse()
    {
        Assert.Contains("bad magic", Assert.Throws<ElfFormatException>(() => ElfVersionPatch.MarkWeak(Encoding.ASCII.GetBytes(new string('x', 100)), "V")).Message, StringComparison.Ordinal);
        byte[] elf32 = SyntheticElf.Build(("libc.so.6", [("GLIBC_2.2.5", 0)]));
        elf32[4] = 1;
        Assert.Contains("64-bit", Assert.Throws<ElfFormatException>(() => ElfVersionPatch.MarkWeak(elf32, "V")).Message, StringComparison.Ordinal);
        byte[] bigEndian = SyntheticElf.Build(("libc.so.6", [("GLIBC_2.2.5", 0)]));
        bigEndian[5] = 2;
        Assert.Contains("little-endian", Assert.Throws<ElfFormatException>(() => ElfVersionPatch.MarkWeak(bigEndian, "V")).Message, StringComparison.Ordinal);
        byte[] truncated = SyntheticElf.Build(("libc.so.6", [("GLIBC_2.2.5", 0)]));
        Assert.Throws<ElfFormatException>(() => ElfVersionPatch.MarkWeak(truncated[..(truncated.Length - 10)], "V"));
        byte[] badAux = SyntheticElf.Build(("libc.so.6", [("GLIBC_2.2.5", 0)]));
        BitConverter.GetBytes(100000u).CopyTo(badAux, SyntheticElf.VerneedOffset + 8); // vn_aux far outside the section
        Assert.Throws<ElfFormatException>(() => ElfVersionPatch.MarkWeak(badAux, "V"));
    }

    [Fact]
    public void ArbitraryCorruptionNeverCrashesOtherwise()
    {
        byte[] good = SyntheticElf.Build(("libstdc++.so.6", [("GLIBCXX_3.4", 0), ("GLIBCXX_3.4.32", 0)]), ("libc.so.6", [("GLIBC_2.2.5", 0)]));
        Gen.Select(Gen.Int[0, good.Length - 1], Gen.Byte).Array[1, 8].Sample(edits =>
        {
            byte[] elf = (byte[])good.Clone();
            foreach (var (at, value) in edits)
            {
                elf[at] = value;
            }

            try
            {
                ElfVersionPatch.MarkWeak(elf, "GLIBCXX_3.4.32");
            }
            catch (ElfFormatException)
            {
                // a clear format error is the only acceptable failure
            }
        });
    }

    [Fact]
    public void PatchingAFileBreaksHardLinksInsteadOfWritingThrough()
    {
        string dir = Directory.CreateTempSubdirectory("netlearn-elf-").FullName;
        try
        {
            string cache = Path.Combine(dir, "cache.so"), output = Path.Combine(dir, "output.so");
            byte[] elf = SyntheticElf.Build(("libstdc++.so.6", [("GLIBCXX_3.4.32", 0)]));
            File.WriteAllBytes(cache, elf);
            if (OperatingSystem.IsWindows())
            {
                File.Copy(cache, output);
            }
            else
            {
                using var ln = Process.Start(new ProcessStartInfo("ln", [cache, output]) { UseShellExecute = false })!;
                ln.WaitForExit();
                Assert.Equal(0, ln.ExitCode);
                File.SetUnixFileMode(output, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            Assert.Equal(ElfPatchOutcome.Patched, ElfVersionPatch.MarkWeakInFile(output, "GLIBCXX_3.4.32"));
            Assert.Equal(ElfPatchOutcome.AlreadyWeak, ElfVersionPatch.MarkWeakInFile(output, "GLIBCXX_3.4.32"));
            Assert.Equal(elf, File.ReadAllBytes(cache));
            Assert.Equal(ElfVersionPatch.VerFlagWeak, SyntheticElf.ReadFlags(File.ReadAllBytes(output))["GLIBCXX_3.4.32"]);
            if (!OperatingSystem.IsWindows())
            {
                Assert.True(File.GetUnixFileMode(output).HasFlag(UnixFileMode.UserExecute), "the file mode is kept");
            }

            Assert.False(File.Exists(output + ".netlearn-patch.tmp"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

/// <summary>Writes minimal ELF64 little-endian files with a .gnu.version_r section, as a linker lays them out.</summary>
internal static class SyntheticElf
{
    public const int VerneedOffset = 0x200;

    public static byte[] Build(params (string File, (string Name, ushort Flags)[] Versions)[] needs)
    {
        var dynstr = new List<byte> { 0 };
        int AddString(string s)
        {
            int at = dynstr.Count;
            dynstr.AddRange(Encoding.ASCII.GetBytes(s));
            dynstr.Add(0);
            return at;
        }

        var verneed = new List<byte>();
        ushort index = 2;
        for (int n = 0; n < needs.Length; n++)
        {
            var (file, versions) = needs[n];
            int size = 16 + (16 * versions.Length);
            verneed.AddRange(U16(1));
            verneed.AddRange(U16((ushort)versions.Length));
            verneed.AddRange(U32((uint)AddString(file)));
            verneed.AddRange(U32(16));
            verneed.AddRange(U32(n == needs.Length - 1 ? 0u : (uint)size));
            for (int a = 0; a < versions.Length; a++)
            {
                verneed.AddRange(U32(0x0b792650u + (uint)a)); // vna_hash (not checked)
                verneed.AddRange(U16(versions[a].Flags));
                verneed.AddRange(U16(index++));
                verneed.AddRange(U32((uint)AddString(versions[a].Name)));
                verneed.AddRange(U32(a == versions.Length - 1 ? 0u : 16u));
            }
        }

        byte[] shstrtab = Encoding.ASCII.GetBytes("\0.dynstr\0.gnu.version_r\0.shstrtab\0");
        int dynstrOffset = 0x100, shstrOffset = 0x600, shoff = 0x700;
        Assert.True(dynstr.Count < VerneedOffset - dynstrOffset && verneed.Count < shstrOffset - VerneedOffset);
        var elf = new byte[shoff + (4 * 64)];
        elf[0] = 0x7f;
        elf[1] = (byte)'E';
        elf[2] = (byte)'L';
        elf[3] = (byte)'F';
        elf[4] = 2; // ELFCLASS64
        elf[5] = 1; // ELFDATA2LSB
        elf[6] = 1; // EV_CURRENT
        U16(3).CopyTo(elf, 0x10); // ET_DYN
        U16(62).CopyTo(elf, 0x12); // EM_X86_64
        U64((ulong)shoff).CopyTo(elf, 0x28);
        U16(64).CopyTo(elf, 0x34);
        U16(64).CopyTo(elf, 0x3A);
        U16(4).CopyTo(elf, 0x3C);
        U16(3).CopyTo(elf, 0x3E);
        dynstr.ToArray().CopyTo(elf, dynstrOffset);
        verneed.ToArray().CopyTo(elf, VerneedOffset);
        shstrtab.CopyTo(elf, shstrOffset);
        Section(elf, shoff + 64, name: 1, type: 3, dynstrOffset, dynstr.Count, link: 0, info: 0);
        Section(elf, shoff + 128, name: 9, type: 0x6ffffffe, VerneedOffset, verneed.Count, link: 1, info: (uint)needs.Length);
        Section(elf, shoff + 192, name: 24, type: 3, shstrOffset, shstrtab.Length, link: 0, info: 0);
        return elf;
    }

    /// <summary>The vna_flags of every Vernaux entry by name, read independently of the patcher.</summary>
    public static Dictionary<string, ushort> ReadFlags(byte[] elf)
    {
        var result = new Dictionary<string, ushort>(StringComparer.Ordinal);
        int at = VerneedOffset;
        while (true)
        {
            int count = BitConverter.ToUInt16(elf, at + 2);
            int aux = at + (int)BitConverter.ToUInt32(elf, at + 8);
            for (int a = 0; a < count; a++)
            {
                int name = 0x100 + (int)BitConverter.ToUInt32(elf, aux + 8);
                int end = Array.IndexOf(elf, (byte)0, name);
                result[Encoding.ASCII.GetString(elf, name, end - name)] = BitConverter.ToUInt16(elf, aux + 4);
                aux += (int)BitConverter.ToUInt32(elf, aux + 12);
            }

            uint next = BitConverter.ToUInt32(elf, at + 12);
            if (next == 0)
            {
                return result;
            }

            at += (int)next;
        }
    }

    private static void Section(byte[] elf, int at, uint name, uint type, int offset, int size, uint link, uint info)
    {
        U32(name).CopyTo(elf, at);
        U32(type).CopyTo(elf, at + 4);
        U64((ulong)offset).CopyTo(elf, at + 0x18);
        U64((ulong)size).CopyTo(elf, at + 0x20);
        U32(link).CopyTo(elf, at + 0x28);
        U32(info).CopyTo(elf, at + 0x2C);
        U64(1).CopyTo(elf, at + 0x30);
    }

    private static byte[] U16(ushort v) => BitConverter.GetBytes(v);

    private static byte[] U32(uint v) => BitConverter.GetBytes(v);

    private static byte[] U64(ulong v) => BitConverter.GetBytes(v);
}
