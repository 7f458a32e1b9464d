using System.Globalization;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.Metrics;
using NetLearn.Trees;
using SP = ScottPlot;

namespace NetLearn.Plotting;

/// <summary>Model plots: they take plain arrays or NetLearn's core types, so any model's output can be drawn.</summary>
public static partial class Plot
{
    /// <summary>A confusion matrix heatmap, true classes as rows and predicted classes as columns, annotated with counts.</summary>
    /// <param name="matrix">The counts (from <see cref="ClassificationMetrics.Confusion"/>).</param>
    /// <param name="normalize">Shows each row as fractions of the true class (recall on the diagonal), with the counts below.</param>
    public static Chart ConfusionMatrix(ConfusionMatrix matrix, bool normalize = false)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int k = matrix.Labels.Count;
        var values = new double[k, k];
        for (int r = 0; r < k; r++)
        {
            double total = 0;
            for (int c = 0; c < k; c++)
            {
                total += matrix.Counts[r, c];
            }

            for (int c = 0; c < k; c++)
            {
                values[r, c] = normalize ? (total == 0 ? 0 : matrix.Counts[r, c] / total) : matrix.Counts[r, c];
            }
        }

        var plot = Theme.NewPlot();
        double max = normalize ? 1 : Math.Max(1, values.Cast<double>().Max());
        var heatmap = MatrixHeatmap(plot, values, matrix.Labels, matrix.Labels, new SP.Colormaps.Reversed(new SP.Colormaps.Blues()), 0, max, normalize ? "0.00" : "0");
        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = normalize ? "fraction of true class" : "rows";
        bar.LabelStyle.FontSize = 13;
        plot.Title("Confusion matrix");
        plot.XLabel("Predicted class");
        plot.YLabel("True class");
        int size = Math.Clamp(300 + (k * 60), 520, 1400);
        return new Chart(plot, size + 110, size);
    }

    /// <summary>A confusion matrix of true and predicted labels.</summary>
    public static Chart ConfusionMatrix(Column yTrue, Column yPred, bool normalize = false) =>
        ConfusionMatrix(ClassificationMetrics.Confusion(yTrue, yPred), normalize);

    /// <summary>The ROC curve of a binary classifier's scores, with its AUC in the legend and the chance diagonal.</summary>
    public static Chart Roc(IReadOnlyList<bool> positive, IReadOnlyList<double> score, string label = "model")
    {
        var curve = Curves.Roc(positive, score);
        var plot = CurvePlot("ROC curve", "False positive rate", "True positive rate");
        AddCurve(plot, curve.FalsePositiveRate, curve.TruePositiveRate, Theme.Color(0), FormattableString.Invariant($"{label} (AUC = {curve.Auc:0.000})"));
        return new Chart(plot, 700, 640);
    }

    /// <summary>One-vs-rest ROC curves of a classifier's probabilities, one per class (one curve for a binary problem).</summary>
    /// <param name="yTrue">The true labels.</param>
    /// <param name="probabilities">Rows × classes, columns in <paramref name="classes"/> order (as <see cref="IClassifier.PredictProba"/>).</param>
    /// <param name="classes">The classes (as <see cref="IClassifier.Classes"/>).</param>
    public static Chart Roc(Column yTrue, Matrix probabilities, Column classes)
    {
        var plot = CurvePlot("ROC curves (one vs rest)", "False positive rate", "True positive rate");
        foreach (var (name, positive, score, index) in OneVsRest(yTrue, probabilities, classes))
        {
            var curve = Curves.Roc(positive, score);
            AddCurve(plot, curve.FalsePositiveRate, curve.TruePositiveRate, Theme.Color(index), FormattableString.Invariant($"{name} (AUC = {curve.Auc:0.000})"));
        }

        return new Chart(plot, 700, 640);
    }

    /// <summary>The precision–recall curve of a binary classifier's scores, with average precision and the prevalence baseline.</summary>
    public static Chart PrecisionRecall(IReadOnlyList<bool> positive, IReadOnlyList<double> score, string label = "model")
    {
        var curve = Curves.PrecisionRecall(positive, score);
        var plot = CurvePlot("Precision-recall curve", "Recall", "Precision", diagonal: false);
        AddCurve(plot, curve.Recall, curve.Precision, Theme.Color(0), FormattableString.Invariant($"{label} (AP = {curve.AveragePrecision:0.000})"), step: true);
        double prevalence = positive.Count(p => p) / (double)positive.Count;
        var baseline = plot.Add.HorizontalLine(prevalence, 1.5f, SP.Colors.Gray, SP.LinePattern.Dashed);
        baseline.LegendText = FormattableString.Invariant($"chance (prevalence {prevalence:0.000})");
        return new Chart(plot, 700, 640);
    }

    /// <summary>One-vs-rest precision–recall curves of a classifier's probabilities.</summary>
    public static Chart PrecisionRecall(Column yTrue, Matrix probabilities, Column classes)
    {
        var plot = CurvePlot("Precision-recall curves (one vs rest)", "Recall", "Precision", diagonal: false);
        foreach (var (name, positive, score, index) in OneVsRest(yTrue, probabilities, classes))
        {
            var curve = Curves.PrecisionRecall(positive, score);
            AddCurve(plot, curve.Recall, curve.Precision, Theme.Color(index), FormattableString.Invariant($"{name} (AP = {curve.AveragePrecision:0.000})"), step: true);
        }

        return new Chart(plot, 700, 640);
    }

    /// <summary>A reliability diagram: observed fraction of positives against mean predicted probability per bin, with the perfect-calibration diagonal.</summary>
    public static Chart Calibration(IReadOnlyList<bool> positive, IReadOnlyList<double> probability, int bins = 10, string label = "model")
    {
        var curve = Curves.Calibration(positive, probability, bins);
        var plot = CurvePlot("Calibration curve", "Mean predicted probability", "Fraction of positives");
        var line = plot.Add.Scatter(curve.MeanPredicted, curve.FractionPositive, Theme.Color(0));
        line.LineWidth = 2.5f;
        line.MarkerSize = 9;
        line.LegendText = label;
        return new Chart(plot, 700, 640);
    }

    /// <summary>A learning curve: mean training and validation score (±1 standard deviation over folds) against training-set size.</summary>
    /// <param name="trainSizes">Training-set sizes.</param>
    /// <param name="trainScores">Per size, the training score of each fold.</param>
    /// <param name="validationScores">Per size, the validation score of each fold.</param>
    /// <param name="metric">The score's name (y-axis label).</param>
    public static Chart LearningCurve(IReadOnlyList<double> trainSizes, IReadOnlyList<IReadOnlyList<double>> trainScores, IReadOnlyList<IReadOnlyList<double>> validationScores, string metric = "score")
    {
        var plot = Theme.NewPlot();
        ScoreBands(plot, [.. trainSizes], trainScores, validationScores);
        plot.Title("Learning curve");
        plot.XLabel("Training rows");
        plot.YLabel(metric);
        return new Chart(plot);
    }

    /// <summary>A validation curve: mean training and validation score (±1 standard deviation) against a hyperparameter's values.</summary>
    /// <param name="parameter">The hyperparameter's name (x-axis label).</param>
    /// <param name="values">Its values.</param>
    /// <param name="trainScores">Per value, the training score of each fold.</param>
    /// <param name="validationScores">Per value, the validation score of each fold.</param>
    /// <param name="logScale">Puts the values on a log₁₀ axis (for C, alpha, learning rates).</param>
    /// <param name="metric">The score's name (y-axis label).</param>
    public static Chart ValidationCurve(string parameter, IReadOnlyList<double> values, IReadOnlyList<IReadOnlyList<double>> trainScores, IReadOnlyList<IReadOnlyList<double>> validationScores, bool logScale = false, string metric = "score")
    {
        ArgumentException.ThrowIfNullOrEmpty(parameter);
        ArgumentNullException.ThrowIfNull(values);
        if (logScale && values.Any(v => !(v > 0)))
        {
            throw new HyperparameterException(parameter, "A log-scale validation curve needs positive parameter values");
        }

        var plot = Theme.NewPlot();
        double[] x = [.. values.Select(v => logScale ? Math.Log10(v) : v)];
        ScoreBands(plot, x, trainScores, validationScores);
        if (logScale)
        {
            plot.Axes.Bottom.SetTicks(x, [.. values.Select(v => v.ToString("G4", CultureInfo.InvariantCulture))]);
        }

        plot.Title($"Validation curve for {parameter}");
        plot.XLabel(logScale ? $"{parameter} (log scale)" : parameter);
        plot.YLabel(metric);
        return new Chart(plot);
    }

    /// <summary>A residual plot: residual (actual − predicted) against predicted value, with the zero line.</summary>
    public static Chart Residuals(IReadOnlyList<double> actual, IReadOnlyList<double> predicted)
    {
        var (a, p) = Pairs(actual, predicted);
        double[] residuals = [.. a.Zip(p, (x, y) => x - y)];
        var plot = Theme.NewPlot();
        DrawScatter(plot, p, residuals, null, 6);
        var zero = plot.Add.HorizontalLine(0, 2, SP.Colors.Black, SP.LinePattern.Dashed);
        zero.LegendText = "";
        plot.Title("Residuals");
        plot.XLabel("Predicted value");
        plot.YLabel("Residual (actual - predicted)");
        return new Chart(plot);
    }

    /// <summary>Residuals of numeric columns.</summary>
    public static Chart Residuals(Column actual, Column predicted)
    {
        _ = Numerics.Numbers(actual, "residual plot");
        _ = Numerics.Numbers(predicted, "residual plot");
        return Residuals(actual.ToDoubleArray(), predicted.ToDoubleArray());
    }

    /// <summary>Predicted against actual values with the identity line; R² in the legend.</summary>
    public static Chart PredictedVsActual(IReadOnlyList<double> actual, IReadOnlyList<double> predicted)
    {
        var (a, p) = Pairs(actual, predicted);
        var plot = Theme.NewPlot();
        DrawScatter(plot, a, p, null, 6);
        double lo = Math.Min(a.Min(), p.Min()), hi = Math.Max(a.Max(), p.Max());
        var identity = plot.Add.Line(lo, lo, hi, hi);
        identity.Color = SP.Colors.Black;
        identity.LinePattern = SP.LinePattern.Dashed;
        identity.LineWidth = 2;
        identity.LegendText = FormattableString.Invariant($"perfect prediction (R² = {RegressionMetrics.R2(a, p):0.000})");
        plot.Legend.IsVisible = true;
        plot.Legend.Alignment = SP.Alignment.UpperLeft;
        plot.Title("Predicted vs actual");
        plot.XLabel("Actual value");
        plot.YLabel("Predicted value");
        return new Chart(plot, 700, 640);
    }

    /// <summary>Predicted against actual values of numeric columns.</summary>
    public static Chart PredictedVsActual(Column actual, Column predicted)
    {
        _ = Numerics.Numbers(actual, "predicted-vs-actual plot");
        _ = Numerics.Numbers(predicted, "predicted-vs-actual plot");
        return PredictedVsActual(actual.ToDoubleArray(), predicted.ToDoubleArray());
    }

    /// <summary>A horizontal bar chart of a model's feature importances, largest on top.</summary>
    public static Chart FeatureImportances(IFeatureImportances model, int top = 20)
    {
        ArgumentNullException.ThrowIfNull(model);
        return FeatureImportances(model.ImportanceFeatureNames, model.FeatureImportances, top);
    }

    /// <summary>A horizontal bar chart of importances by feature name, largest on top (the rest left out).</summary>
    public static Chart FeatureImportances(IReadOnlyList<string> names, IReadOnlyList<double> importances, int top = 20)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(importances);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        if (names.Count != importances.Count || names.Count == 0)
        {
            throw new DataValidationException(FormattableString.Invariant($"Feature importances need one value per feature name; got {names.Count} names and {importances.Count} values"));
        }

        var items = names.Zip(importances).OrderByDescending(t => t.Second).Take(top).Select(t => (t.First, t.Second)).ToList();
        var plot = Theme.NewPlot();
        HorizontalBars(plot, items, Theme.Color(0), "0.000");
        plot.Title(names.Count > top ? FormattableString.Invariant($"Feature importances (top {top} of {names.Count})") : "Feature importances");
        plot.XLabel("Importance");
        return new Chart(plot, 800, Math.Max(400, 120 + (items.Count * 28)));
    }

    /// <summary>
    /// A decision-tree diagram: split conditions, impurity, samples and the prediction in each node, nodes coloured by
    /// majority class (shade = purity) for classifiers; nodes deeper than <paramref name="maxDepth"/> are summarised.
    /// </summary>
    public static Chart DecisionTree(IDecisionTreeView tree, int maxDepth = 4)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDepth, 0);
        return TreeDiagram.Draw(tree, maxDepth);
    }

    /// <summary>
    /// A dendrogram of a SciPy-format linkage matrix ((n−1) × 4: the two merged cluster ids, the distance, the size):
    /// leaves ordered as SciPy orders them, links below 70 % of the largest distance coloured by cluster (SciPy's default).
    /// </summary>
    /// <param name="linkage">The linkage matrix.</param>
    /// <param name="labels">Leaf labels (n of them), or <c>null</c> for the row numbers.</param>
    public static Chart Dendrogram(double[,] linkage, IReadOnlyList<string>? labels = null) => DendrogramDiagram.Draw(linkage, labels);

    /// <summary>A dendrogram of a linkage matrix held in a NetLearn matrix.</summary>
    public static Chart Dendrogram(Matrix linkage, IReadOnlyList<string>? labels = null)
    {
        ArgumentNullException.ThrowIfNull(linkage);
        var array = new double[linkage.Rows, linkage.Columns];
        for (int r = 0; r < linkage.Rows; r++)
        {
            for (int c = 0; c < linkage.Columns; c++)
            {
                array[r, c] = linkage[r, c];
            }
        }

        return Dendrogram(array, labels);
    }

    /// <summary>A 2-D embedding (PCA, t-SNE, ...) as a scatter plot coloured by label.</summary>
    /// <param name="embedding">Rows × at least 2 columns; the first two are drawn.</param>
    /// <param name="labels">Class labels or cluster ids to colour by, or <c>null</c>.</param>
    /// <param name="method">The method's name, for the title and axis labels.</param>
    public static Chart Embedding(Matrix embedding, Column? labels = null, string method = "Embedding")
    {
        ArgumentNullException.ThrowIfNull(embedding);
        if (embedding.Columns < 2)
        {
            throw new DataValidationException(FormattableString.Invariant($"An embedding plot needs at least 2 components; the matrix has {embedding.Columns}"));
        }

        if (labels is not null && labels.Length != embedding.Rows)
        {
            throw new DataValidationException(FormattableString.Invariant($"The embedding has {embedding.Rows} rows but the labels have {labels.Length}"), column: labels.Name);
        }

        var plot = Theme.NewPlot();
        DrawScatter(plot, embedding.Column(0), embedding.Column(1), labels, 6);
        plot.Title(labels is null ? method : $"{method} coloured by {labels.Name}");
        plot.XLabel($"{method} 1");
        plot.YLabel($"{method} 2");
        return new Chart(plot, 760, 640);
    }

    /// <summary>A 2-D embedding coloured by cluster id (-1 is drawn as "noise").</summary>
    public static Chart Embedding(Matrix embedding, IReadOnlyList<int> clusters, string method = "Embedding")
    {
        ArgumentNullException.ThrowIfNull(clusters);
        var labels = Column.Create("cluster", clusters.Select(c => c < 0 ? "noise" : FormattableString.Invariant($"cluster {c}")).ToArray());
        return Embedding(embedding, labels, method);
    }

    /// <summary>
    /// The k-means elbow plot: inertia (within-cluster sum of squares) against k, with the elbow marked where the curve is
    /// farthest from the chord between its ends (the "kneedle" idea, Satopää et al. 2011).
    /// </summary>
    public static Chart Elbow(IReadOnlyList<int> k, IReadOnlyList<double> inertia)
    {
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(inertia);
        if (k.Count != inertia.Count || k.Count < 2)
        {
            throw new DataValidationException(FormattableString.Invariant($"An elbow plot needs one inertia per k and at least two k values; got {k.Count} and {inertia.Count}"));
        }

        double[] x = [.. k.Select(v => (double)v)];
        double[] y = [.. inertia];
        var plot = Theme.NewPlot();
        var line = plot.Add.Scatter(x, y, Theme.Color(0));
        line.LineWidth = 2.5f;
        line.MarkerSize = 9;
        line.LegendText = "inertia";
        if (x.Length >= 3)
        {
            int elbow = Knee(x, y);
            var marker = plot.Add.Marker(x[elbow], y[elbow], SP.MarkerShape.OpenCircle, 22, Theme.Color(3));
            marker.LegendText = FormattableString.Invariant($"elbow at k = {k[elbow]}");
            marker.MarkerLineWidth = 2.5f;
        }

        plot.Axes.Bottom.SetTicks(x, [.. k.Select(v => v.ToString(CultureInfo.InvariantCulture))]);
        plot.Legend.IsVisible = true;
        plot.Title("Elbow plot");
        plot.XLabel("Number of clusters k");
        plot.YLabel("Inertia (within-cluster sum of squares)");
        return new Chart(plot);
    }

    /// <summary>A silhouette plot: each row's silhouette value, sorted within its cluster, with the mean as a dashed line.</summary>
    /// <param name="values">Silhouette value per row (−1..1).</param>
    /// <param name="labels">Cluster id per row.</param>
    public static Chart Silhouette(IReadOnlyList<double> values, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(labels);
        if (values.Count != labels.Count || values.Count == 0)
        {
            throw new DataValidationException(FormattableString.Invariant($"A silhouette plot needs one value per label; got {values.Count} values and {labels.Count} labels"));
        }

        var plot = Theme.NewPlot();
        double y = 0;
        var clusters = labels.Distinct().Order().ToList();
        var ticks = new List<double>();
        foreach (var (cluster, g) in clusters.Select((c, g) => (c, g)))
        {
            double[] sorted = [.. Enumerable.Range(0, values.Count).Where(i => labels[i] == cluster).Select(i => values[i]).Order()];
            double start = y;
            var xs = new List<double> { 0 };
            var ys = new List<double> { y };
            foreach (double v in sorted)
            {
                xs.Add(v);
                ys.Add(y);
                xs.Add(v);
                ys.Add(y + 1);
                y++;
            }

            xs.Add(0);
            ys.Add(y);
            var polygon = plot.Add.Polygon(xs.ToArray(), ys.ToArray());
            polygon.FillColor = Theme.Color(g).WithAlpha(0.8);
            polygon.LineColor = Theme.Color(g);
            polygon.LineWidth = 0.5f;
            ticks.Add((start + y) / 2);
            y += Math.Max(2, values.Count / 40.0);
        }

        double mean = values.Average();
        var average = plot.Add.VerticalLine(mean, 2, Theme.Color(3), SP.LinePattern.Dashed);
        average.LegendText = FormattableString.Invariant($"mean silhouette = {mean:0.000}");
        plot.Axes.Left.SetTicks([.. ticks], [.. clusters.Select(c => c < 0 ? "noise" : FormattableString.Invariant($"cluster {c}"))]);
        plot.Axes.SetLimitsX(Math.Min(-0.1, values.Min() - 0.05), 1);
        plot.Legend.IsVisible = true;
        plot.Legend.Alignment = SP.Alignment.LowerRight;
        plot.Title("Silhouette plot");
        plot.XLabel("Silhouette value");
        plot.Grid.YAxisStyle.IsVisible = false;
        return new Chart(plot, 760, 640);
    }

    /// <summary>A silhouette plot of points and their cluster labels (silhouette values computed with Euclidean distances; O(n²)).</summary>
    public static Chart Silhouette(Matrix points, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(points);
        return Silhouette(Curves.Silhouette(points.ToRowArrays(), labels), labels);
    }

    // ---------------------------------------------------------------- helpers

    private static SP.Plot CurvePlot(string title, string x, string y, bool diagonal = true)
    {
        var plot = Theme.NewPlot();
        if (diagonal)
        {
            var chance = plot.Add.Line(0, 0, 1, 1);
            chance.Color = SP.Colors.Gray;
            chance.LinePattern = SP.LinePattern.Dashed;
            chance.LineWidth = 1.5f;
            chance.LegendText = title.StartsWith("Calibration", StringComparison.Ordinal) ? "perfectly calibrated" : "chance";
        }

        plot.Axes.SetLimits(-0.02, 1.02, -0.02, 1.02);
        plot.Legend.IsVisible = true;
        plot.Legend.Alignment = title.StartsWith("Precision", StringComparison.Ordinal) ? SP.Alignment.LowerLeft : SP.Alignment.LowerRight;
        plot.Title(title);
        plot.XLabel(x);
        plot.YLabel(y);
        return plot;
    }

    private static void AddCurve(SP.Plot plot, double[] x, double[] y, SP.Color color, string label, bool step = false)
    {
        double[] xs = x, ys = y;
        if (step)
        {
            // precision-recall curves are step functions (as scikit-learn's PrecisionRecallDisplay draws them)
            var sx = new List<double> { x[0] };
            var sy = new List<double> { y[0] };
            for (int i = 1; i < x.Length; i++)
            {
                sx.Add(x[i]);
                sy.Add(y[i - 1]);
                sx.Add(x[i]);
                sy.Add(y[i]);
            }

            xs = [.. sx];
            ys = [.. sy];
        }

        var line = plot.Add.ScatterLine(xs, ys, color);
        line.LineWidth = 2.5f;
        line.LegendText = label;
    }

    private static IEnumerable<(string Name, bool[] Positive, double[] Score, int Index)> OneVsRest(Column yTrue, Matrix probabilities, Column classes)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(classes);
        if (probabilities.Rows != yTrue.Length || probabilities.Columns != classes.Length)
        {
            throw new DataValidationException(FormattableString.Invariant($"The probabilities are {probabilities.Rows} x {probabilities.Columns}; expected {yTrue.Length} rows x {classes.Length} classes"), column: yTrue.Name);
        }

        string[] truth = Numerics.Labels(yTrue);
        int first = classes.Length == 2 ? 1 : 0;
        for (int k = first; k < classes.Length; k++)
        {
            string name = classes.FormatValue(k) ?? "(missing)";
            yield return (name, [.. truth.Select(t => t == name)], probabilities.Column(k), k);
        }
    }

    private static void ScoreBands(SP.Plot plot, double[] x, IReadOnlyList<IReadOnlyList<double>> train, IReadOnlyList<IReadOnlyList<double>> validation)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        if (train.Count != x.Length || validation.Count != x.Length || x.Length == 0)
        {
            throw new DataValidationException(FormattableString.Invariant($"Scores are needed for each of the {x.Length} points; got {train.Count} training and {validation.Count} validation rows"));
        }

        foreach (var (scores, name, index) in new[] { (train, "training score", 0), (validation, "validation score", 1) })
        {
            double[] mean = [.. scores.Select(s => s.Average())];
            double[] sd = [.. scores.Select(s => s.Count > 1 ? Math.Sqrt(s.Sum(v => Math.Pow(v - s.Average(), 2)) / (s.Count - 1)) : 0)];
            var color = Theme.Color(index);
            var band = plot.Add.FillY(x, [.. mean.Zip(sd, (m, s) => m - s)], [.. mean.Zip(sd, (m, s) => m + s)]);
            band.FillColor = color.WithAlpha(0.2);
            band.LineWidth = 0;
            var line = plot.Add.Scatter(x, mean, color);
            line.LineWidth = 2.5f;
            line.MarkerSize = 7;
            line.LegendText = name;
        }

        plot.Legend.IsVisible = true;
        plot.Legend.Alignment = SP.Alignment.LowerRight;
    }

    private static (double[] Actual, double[] Predicted) Pairs(IReadOnlyList<double> actual, IReadOnlyList<double> predicted)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(predicted);
        if (actual.Count != predicted.Count)
        {
            throw new DataValidationException(FormattableString.Invariant($"The actual ({actual.Count}) and predicted ({predicted.Count}) values differ in length"));
        }

        int[] keep = [.. Enumerable.Range(0, actual.Count).Where(i => double.IsFinite(actual[i]) && double.IsFinite(predicted[i]))];
        if (keep.Length == 0)
        {
            throw new DataValidationException("There are no rows with both an actual and a predicted value");
        }

        return ([.. keep.Select(i => actual[i])], [.. keep.Select(i => predicted[i])]);
    }

    private static int Knee(double[] x, double[] y)
    {
        double x0 = x[0], y0 = y[0], x1 = x[^1], y1 = y[^1];
        double dx = x1 - x0, dy = y1 - y0;
        double xr = Math.Abs(dx) > 0 ? Math.Abs(dx) : 1, yr = Math.Abs(dy) > 0 ? Math.Abs(dy) : 1;
        int best = 0;
        double bestDistance = -1;
        for (int i = 1; i < x.Length - 1; i++)
        {
            // distance to the chord, in axes normalised to [0, 1]
            double px = (x[i] - x0) / xr, py = (y[i] - y0) / yr;
            double distance = Math.Abs((dx / xr * py) - (dy / yr * px)) / Math.Sqrt(Math.Pow(dx / xr, 2) + Math.Pow(dy / yr, 2));
            if (distance > bestDistance)
            {
                bestDistance = distance;
                best = i;
            }
        }

        return best;
    }
}
