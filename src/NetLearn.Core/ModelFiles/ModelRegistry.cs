using System.Collections.Concurrent;
using NetLearn.Estimators;

namespace NetLearn.ModelFiles;

/// <summary>
/// Maps a model kind (as written in model files) to the function that reads it back. Core kinds are registered
/// here; other assemblies register theirs with <see cref="Register"/> (typically from a module initializer).
/// </summary>
public static class ModelRegistry
{
    private static readonly ConcurrentDictionary<string, Func<ModelReader, IModel>> Loaders = new(StringComparer.Ordinal);

    static ModelRegistry()
    {
        CoreModels.RegisterAll();
    }

    /// <summary>Registers (or replaces) the loader of <paramref name="kind"/>.</summary>
    public static void Register(string kind, Func<ModelReader, IModel> loader)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(loader);
        Loaders[kind] = loader;
    }

    /// <summary>The registered kinds.</summary>
    public static IReadOnlyCollection<string> Kinds => [.. Loaders.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Reads the model at the reader's position, dispatching on its <c>kind</c>.</summary>
    public static IModel Load(ModelReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        string kind = reader.ReadString("kind");
        if (!Loaders.TryGetValue(kind, out var loader))
        {
            throw new ModelFileException(reader.Path, $"unknown model kind '{kind}'. It was written by a NetLearn component this program does not reference; add that package (known kinds: {string.Join(", ", Kinds)})");
        }

        return loader(reader);
    }
}
