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
    public override Prediction Predict(InputBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var table = batch.ToTable();
        if (_labelsAreArgMax)
        {
            // One model pass: the labels are the most probable classes, exactly as the model's own Predict derives them.
            var probabilities = _classifier!.PredictProba(table);
            var index = new int[probabilities.Rows];
            for (int i = 0; i < index.Length; i++)
            {
                index[i] = TensorPrimitives.IndexOfMax<double>(probabilities.Row(i));
            }

            return new Prediction(_classifier.Classes, index, probabilities);
        }

        var values = _predictor.Predict(table);
        // Classifiers fitted without probabilities (an SVM without probability=true, LinearSVC) answer with labels only.
        return new Prediction(values, _classifier is { } classifier && classifier.SupportsProbabilities() ? classifier.PredictProba(table) : null);
    }

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
