using System.Buffers.Binary;
using System.Text;

namespace NetLearn.Cli.Tests.Infrastructure;

/// <summary>Where each entry's (compressed) data lies in a zip file, read from the central directory.</summary>
public static class ZipLayout
{
    public static Dictionary<string, (int Start, int Length)> EntryData(byte[] zip)
    {
        int end = zip.Length - 22;
        while (end >= 0 && BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(end)) != 0x06054b50)
        {
            end--;
        }

        Assert.True(end >= 0, "no end-of-central-directory record");
        int count = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(end + 10));
        int at = (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(end + 16));
        var entries = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(0x02014b50u, BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(at)));
            int compressed = (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(at + 20));
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(at + 28));
            int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(at + 30));
            int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(at + 32));
            int local = (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(at + 42));
            string name = Encoding.UTF8.GetString(zip, at + 46, nameLength);
            int localName = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(local + 26));
            int localExtra = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(local + 28));
            entries[name] = (local + 30 + localName + localExtra, compressed);
            at += 46 + nameLength + extraLength + commentLength;
        }

        return entries;
    }
}
