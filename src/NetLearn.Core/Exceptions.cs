using System.Globalization;
using System.Text;

namespace NetLearn;

/// <summary>Base type of every error NetLearn raises for bad input; catch this to handle all user-fixable problems.</summary>
public abstract class NetLearnException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected NetLearnException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

/// <summary>
/// Input data cannot be used as given: wrong shape, missing or non-finite values where they are not allowed,
/// unparseable cells, a target with one class, empty data, unknown categories. The message says what to do;
/// <see cref="File"/>, <see cref="Row"/> and <see cref="Column"/> locate the problem when known.
/// </summary>
public class DataValidationException : NetLearnException
{
    /// <summary>Creates the exception; the location is appended to the message.</summary>
    /// <param name="message">What is wrong and what to do about it.</param>
    /// <param name="column">The column involved, if any.</param>
    /// <param name="row">The zero-based data row involved, if any (the message shows it one-based, as editors do).</param>
    /// <param name="file">The file involved, if any.</param>
    /// <param name="inner">The underlying error.</param>
    public DataValidationException(string message, string? column = null, long? row = null, string? file = null, Exception? inner = null)
        : base(Locate(message, column, row, file), inner)
    {
        Column = column;
        Row = row;
        File = file;
    }

    /// <summary>The column involved, if known.</summary>
    public string? Column { get; }

    /// <summary>The zero-based data row involved (not counting a header), if known.</summary>
    public long? Row { get; }

    /// <summary>The file involved, if known.</summary>
    public string? File { get; }

    private static string Locate(string message, string? column, long? row, string? file)
    {
        if (column is null && row is null && file is null)
        {
            return message;
        }

        var where = new StringBuilder(" (");
        var parts = new List<string>();
        if (file is not null)
        {
            parts.Add($"file '{file}'");
        }

        if (row is not null)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"data row {row + 1}"));
        }

        if (column is not null)
        {
            parts.Add($"column '{column}'");
        }

        where.AppendJoin(", ", parts).Append(')');
        return message + where;
    }
}

/// <summary>A category seen at predict time that was not seen during fitting, with <c>handle_unknown=error</c>.</summary>
public sealed class UnknownCategoryException : DataValidationException
{
    /// <summary>Creates the exception.</summary>
    public UnknownCategoryException(string column, string value, long row)
        : base($"Unknown category '{value}' was not seen during fitting. Refit with data that contains it, or set handle_unknown=ignore to encode it as all zeros", column, row)
    {
        Value = value;
    }

    /// <summary>The unseen value.</summary>
    public string Value { get; }
}

/// <summary>A hyperparameter has an invalid value or does not exist; <see cref="Parameter"/> names it (snake_case).</summary>
public sealed class HyperparameterException : NetLearnException
{
    /// <summary>Creates the exception.</summary>
    public HyperparameterException(string parameter, string message, Exception? inner = null)
        : base($"Hyperparameter '{parameter}': {message}", inner)
    {
        Parameter = parameter;
    }

    /// <summary>The snake_case name of the hyperparameter.</summary>
    public string Parameter { get; }
}

/// <summary>A model file is missing, truncated, altered, of an unsupported format version or of an unknown model kind.</summary>
public sealed class ModelFileException : NetLearnException
{
    /// <summary>Creates the exception.</summary>
    public ModelFileException(string path, string message, Exception? inner = null)
        : base($"Model file '{path}': {message}", inner)
    {
        Path = path;
    }

    /// <summary>The model file.</summary>
    public string Path { get; }
}
