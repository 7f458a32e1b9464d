namespace NetLearn.Data.IO;

/// <summary>Writes files so that readers see the old file or the complete new one, never a partial write.</summary>
public static class AtomicFile
{
    /// <summary>
    /// Runs <paramref name="write"/> against a temporary file in the target's folder, then renames it over
    /// <paramref name="path"/>. If <paramref name="write"/> throws, the temporary file is deleted and the target is untouched.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string? folder = Path.GetDirectoryName(full);
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new DataValidationException("The output folder does not exist. Create it first", file: path);
        }

        string temp = Path.Combine(folder ?? ".", $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
