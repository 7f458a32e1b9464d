using System.Globalization;
using System.Text;
using NetLearn.Data;

namespace NetLearn.Metrics;

/// <summary>
/// Per-class precision, recall, F1 and support with accuracy and macro and weighted averages (scikit-learn's
/// <c>classification_report</c>, zero division giving 0). <see cref="ToString()"/> prints scikit-learn's text layout.
/// </summary>
public sealed class ClassificationReport
{
    private ClassificationReport(IReadOnlyList<ClassScores> classes, double accuracy, ClassScores macro, ClassScores weighted, int digits)
    {
        Classes = classes;
        Accuracy = accuracy;
        MacroAverage = macro;
        WeightedAverage = weighted;
        Digits = digits;
    }

    /// <summary>One row per label of the union of true and predicted labels, sorted.</summary>
    public IReadOnlyList<ClassScores> Classes { get; }

    /// <summary>Fraction of rows predicted correctly.</summary>
    public double Accuracy { get; }

    /// <summary>Unweighted means over the classes (label <c>macro avg</c>); support is the number of rows.</summary>
    public ClassScores MacroAverage { get; }

    /// <summary>Means weighted by support (label <c>weighted avg</c>).</summary>
    public ClassScores WeightedAverage { get; }

    /// <summary>Digits printed by <see cref="ToString()"/>.</summary>
    public int Digits { get; }

    /// <summary>Builds the report of predictions <paramref name="yPred"/> against <paramref name="yTrue"/>.</summary>
    public static ClassificationReport Create(Column yTrue, Column yPred, int digits = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(digits);
        var classes = ClassificationMetrics.PerClass(yTrue, yPred);
        int n = classes.Sum(c => c.Support);
        double W(Func<ClassScores, double> f) => n == 0 ? 0 : classes.Sum(c => f(c) * c.Support) / n;
        double M(Func<ClassScores, double> f) => classes.Average(f);
        var macro = new ClassScores("macro avg", M(c => c.Precision), M(c => c.Recall), M(c => c.FBeta), n);
        var weighted = new ClassScores("weighted avg", W(c => c.Precision), W(c => c.Recall), W(c => c.FBeta), n);
        return new ClassificationReport(classes, ClassificationMetrics.Accuracy(yTrue, yPred), macro, weighted, digits);
    }

    /// <summary>The report as scikit-learn prints it.</summary>
    public override string ToString()
    {
        int width = Math.Max(Classes.Max(c => c.Label.Length), Math.Max("weighted avg".Length, Digits));
        var text = new StringBuilder();
        string[] headers = ["precision", "recall", "f1-score", "support"];
        text.Append(new string(' ', width)).Append(' ');
        foreach (string h in headers)
        {
            text.Append(' ').Append(h.PadLeft(9));
        }

        text.Append("\n\n");
        foreach (var row in Classes)
        {
            Row(text, row, width);
        }

        text.Append('\n');
        text.Append("accuracy".PadLeft(width)).Append(' ')
            .Append(' ').Append(new string(' ', 9))
            .Append(' ').Append(new string(' ', 9))
            .Append(' ').Append(Number(Accuracy).PadLeft(9))
            .Append(' ').Append(MacroAverage.Support.ToString(CultureInfo.InvariantCulture).PadLeft(9)).Append('\n');
        Row(text, MacroAverage, width);
        Row(text, WeightedAverage, width);
        return text.ToString();
    }

    private void Row(StringBuilder text, ClassScores row, int width)
    {
        text.Append(row.Label.PadLeft(width)).Append(' ');
        foreach (double v in new[] { row.Precision, row.Recall, row.FBeta })
        {
            text.Append(' ').Append(Number(v).PadLeft(9));
        }

        text.Append(' ').Append(row.Support.ToString(CultureInfo.InvariantCulture).PadLeft(9)).Append('\n');
    }

    private string Number(double value) => value.ToString("F" + Digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
