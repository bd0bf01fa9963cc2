using Microsoft.ML;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace Denoise.Data;

/// <summary>
/// An ML.NET <see cref="IDataView"/> over a <see cref="DigitSet"/>: column "Label" (UInt32, the class index 0-9,
/// not a 1-based key) and "Pixels" (vector of 784 Single in [0, 1], row-major). Reads the set's tensors, so it is
/// valid only while the set is not disposed.
/// </summary>
public sealed class DigitDataView : IDataView
{
    public const string LabelColumn = "Label";
    public const string PixelsColumn = "Pixels";

    readonly Tensor _images;
    readonly uint[] _labels;
    readonly int _width;

    public DigitDataView(DigitSet set)
    {
        _images = set.Images;
        _width = (int)set.Images.shape.Skip(1).Aggregate(1L, (product, d) => product * d);
        _labels = set.Labels.data<long>().ToArray().Select(l => (uint)l).ToArray();
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(LabelColumn, NumberDataViewType.UInt32);
        builder.AddColumn(PixelsColumn, new VectorDataViewType(NumberDataViewType.Single, _width));
        Schema = builder.ToSchema();
    }

    public DataViewSchema Schema { get; }

    public bool CanShuffle => false;

    public long? GetRowCount() => _labels.Length;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, columnsNeeded.Select(c => c.Index).ToHashSet());

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    sealed class Cursor(DigitDataView view, HashSet<int> active) : DataViewRowCursor
    {
        long _position = -1;

        public override DataViewSchema Schema => view.Schema;
        public override long Position => _position;
        public override long Batch => 0;

        public override bool MoveNext() => ++_position < view._labels.Length;

        public override bool IsColumnActive(DataViewSchema.Column column) => active.Contains(column.Index);

        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!IsColumnActive(column))
                throw new InvalidOperationException($"column {column.Name} was not requested when the cursor was made");
            Delegate getter = column.Name == LabelColumn
                ? (ValueGetter<uint>)((ref uint label) => label = view._labels[_position])
                : (ValueGetter<VBuffer<float>>)GetPixels;
            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"column {column.Name} is {column.Type}, not {typeof(TValue).Name}");
        }

        void GetPixels(ref VBuffer<float> pixels)
        {
            // A 1 x ... slice (not an indexed row) keeps the tensor multi-dimensional, where ToArray is one block copy.
            using var row = view._images.narrow(0, _position, 1);
            var editor = VBufferEditor.Create(ref pixels, view._width);
            row.data<float>().ToArray().CopyTo(editor.Values);
            pixels = editor.Commit();
        }
    }
}
