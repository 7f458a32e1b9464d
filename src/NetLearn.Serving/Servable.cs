using System.Numerics.Tensors;
using System.Text.Json.Nodes;
using NetLearn.Data;
using NetLearn.Ensembles;
using NetLearn.Estimators;
using NetLearn.Linear;
using NetLearn.LinearAlgebra;
using NetLearn.Pipelines;
using NetLearn.Trees;

namespace NetLearn.Serving;

/// <summary>
/// A loaded model as the server sees it: a tabular input schema and a prediction function. Implementations must be safe
/// to call from many threads at once (fitted NetLearn models are immutable, so no lock is needed).
/// </summary>
public abstract class Servable : IDisposable
{
    /// <summary>The columns a request must provide.</summary>
    public abstract Schema InputSchema { get; }

    /// <summary>The Open Inference Protocol platform name (<c>netlearn_nlm</c>, <c>onnxruntime_onnx</c>).</summary>
    public abstract string Platform { get; }

    /// <summary>The class labels of a classifier, in probability-column order; <c>null</c> for other models.</summary>
    public abstract Column? Classes { get; }

    /// <summary>The kind of the prediction values (numeric for regressors; the label kind for classifiers).</summary>
    public abstract ColumnKind PredictionKind { get; }

    /// <summary>The model's manifest (what <c>netlearn inspect</c> prints), or a description for foreign formats.</summary>
    public abstract JsonObject Manifest { get; }

    /// <summary>Predicts every row of <paramref name="batch"/>.</summary>
    /// <exception cref="NetLearnException">The rows cannot be used (the message says why); a client error.</exception>
    public abstract Prediction Predict(InputBatch batch);

    /// <summary>
    /// Predicts every row of <paramref name="batch"/>, computing only <paramref name="outputs"/> where the model can skip
    /// work (labels without probabilities or probabilities without labels); an output that was not asked for may still
    /// be present when it comes for free. The default computes everything.
    /// </summary>
    /// <exception cref="NetLearnException">The rows cannot be used (the message says why); a client error.</exception>
    public virtual Prediction Predict(InputBatch batch, PredictionOutputs outputs) => Predict(batch);

    /// <summary>Releases native resources, if any.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases native resources, if any.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}

/// <summary>The outputs a request asks for (the Open Inference Protocol's requested outputs).</summary>
[Flags]
public enum PredictionOutputs
{
    /// <summary>The predicted values (labels for classifiers).</summary>
    Labels = 1,

    /// <summary>Class probabilities (classifiers only).</summary>
    Probabilities = 2,

    /// <summary>Everything the model predicts.</summary>
    All = Labels | Probabilities,
}

/// <summary>Predictions for a range of rows: values, and class probabilities for classifiers.</summary>
public sealed class Prediction
{
    // Shared with every slice, so the label column is built at most once per batch.
    private readonly Lazy<Column> _values;

    /// <summary>Creates a prediction over all rows of <paramref name="values"/>.</summary>
    public Prediction(Column values, Matrix? probabilities)
        : this(new Lazy<Column>(values ?? throw new ArgumentNullException(nameof(values))), null, probabilities, 0, values.Length)
    {
    }

    /// <summary>
    /// A classifier's prediction given as class indices into <paramref name="classes"/> (the label column is built only
    /// if something asks for <see cref="Values"/>; the JSON writers take the labels from the indices directly).
    /// </summary>
    internal Prediction(Column classes, int[] classIndex, Matrix? probabilities)
        : this(new Lazy<Column>(() => classes.Take(classIndex), LazyThreadSafetyMode.PublicationOnly), classIndex, probabilities, 0, classIndex.Length)
    {
    }

    /// <summary>A prediction whose values are computed only if something asks for them (<paramref name="rows"/> rows).</summary>
    internal Prediction(Func<Column> values, int rows, Matrix? probabilities)
        : this(new Lazy<Column>(values, LazyThreadSafetyMode.ExecutionAndPublication), null, probabilities, 0, rows)
    {
    }

    private Prediction(Lazy<Column> values, int[]? classIndex, Matrix? probabilities, int start, int rows)
    {
        _values = values;
        ClassIndex = classIndex;
        Probabilities = probabilities;
        Start = start;
        Rows = rows;
    }

    /// <summary>The predicted values (labels or numbers); rows <see cref="Start"/> to <see cref="Start"/> + <see cref="Rows"/> belong to this prediction.</summary>
    public Column Values => _values.Value;

    /// <summary>Class probabilities (rows × classes), same row range; <c>null</c> for regressors.</summary>
    public Matrix? Probabilities { get; }

    /// <summary>First row of this prediction in <see cref="Values"/> and <see cref="Probabilities"/>.</summary>
    public int Start { get; }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>For classifiers answering by class index: each row's index into the classes, same row range as <see cref="Values"/>.</summary>
    internal int[]? ClassIndex { get; }

    /// <summary>A view of <paramref name="count"/> rows from <paramref name="offset"/> (no copy).</summary>
    public Prediction Slice(int offset, int count) => new(_values, ClassIndex, Probabilities, Start + offset, count);
}

/// <summary>A NetLearn model (<c>.nlm</c>): any <see cref="IPredictor"/> or <see cref="IClassifier"/> from <c>ModelRegistry</c>.</summary>
public sealed class NlmServable : Servable
{
    private readonly IPredictor _predictor;
    private readonly IClassifier? _classifier;
    private readonly JsonObject _manifest;
    private readonly bool _labelsAreArgMax;

    /// <summary>Wraps a loaded model.</summary>
    /// <exception cref="DataValidationException">The model makes no predictions (a transformer).</exception>
    public NlmServable(IModel model, JsonObject manifest)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(manifest);
        _predictor = model as IPredictor
            ?? throw new DataValidationException($"The model is a '{model.Kind}' transformer and makes no predictions; only predictors (classifiers, regressors, clustering, anomaly detection) can be served");
        _classifier = model as IClassifier;
        _manifest = manifest;
        PredictionKind = _classifier?.Classes.Kind ?? ColumnKind.Numeric;
        _labelsAreArgMax = _classifier is not null && _classifier.SupportsProbabilities() && LabelsAreArgMaxOfProbabilities(model);
    }

    /// <summary>The wrapped model.</summary>
    public IModel Model => _predictor;

    /// <inheritdoc />
    public override Schema InputSchema => _predictor.InputSchema;

    /// <inheritdoc />
    public override string Platform => "netlearn_nlm";

    /// <inheritdoc />
    public override Column? Classes => _classifier?.Classes;

    /// <inheritdoc />
    public override ColumnKind PredictionKind { get; }

    /// <inheritdoc />
    public override JsonObject Manifest => _manifest;

    /// <inheritdoc />
    public override Prediction Predict(InputBatch batch) => Predict(batch, PredictionOutputs.All);

    /// <inheritdoc />
    public override Prediction Predict(InputBatch batch, PredictionOutputs outputs)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (_labelsAreArgMax)
        {
            // One model pass: the labels are the most probable classes, exactly as the model's own Predict derives them.
            var probabilities = PredictProba(batch);
            var index = new int[probabilities.Rows];
            for (int i = 0; i < index.Length; i++)
            {
                index[i] = TensorPrimitives.IndexOfMax<double>(probabilities.Row(i));
            }

            return new Prediction(_classifier!.Classes, index, probabilities);
        }

        var table = batch.ToTable();
        // Classifiers fitted without probabilities (an SVM without probability=true, LinearSVC) answer with labels only.
        var proba = (outputs & PredictionOutputs.Probabilities) != 0 && _classifier is { } classifier && classifier.SupportsProbabilities() ? classifier.PredictProba(table) : null;
        if ((outputs & PredictionOutputs.Labels) == 0 && proba is not null)
        {
            // Probabilities only: the labels are computed only if a writer asks for them after all.
            return new Prediction(() => _predictor.Predict(table), batch.Rows, proba);
        }

        return new Prediction(_predictor.Predict(table), proba);
    }

    // Probabilities straight from the request's numeric columns when the model takes a matrix (no table, no column objects).
    private Matrix PredictProba(InputBatch batch) =>
        _classifier is IMatrixClassifier matrixClassifier && batch.ToMatrix() is { } matrix && matrixClassifier.TryPredictProba(matrix) is { } proba
            ? proba
            : _classifier!.PredictProba(batch.ToTable());

    /// <summary>
    /// Classifiers whose <c>Predict</c> is, by construction, the first most probable class of <c>PredictProba</c> (logistic
    /// regression, decision trees, random and extra-trees forests; pipelines ending in one): the server computes the
    /// probabilities once and takes the labels from them instead of running the model twice. Other classifiers (SVMs
    /// with Platt probabilities, hard voting, calibrated models) keep their own <c>Predict</c>.
    /// </summary>
    internal static bool LabelsAreArgMaxOfProbabilities(IModel model) => model switch
    {
        LogisticRegressionModel or DecisionTreeClassifierModel or RandomForestClassifierModel or ExtraTreesClassifierModel => true,
        PipelineModel pipeline => LabelsAreArgMaxOfProbabilities(pipeline.Final),
        _ => false,
    };
}
