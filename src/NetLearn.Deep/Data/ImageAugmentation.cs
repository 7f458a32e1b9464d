using static TorchSharp.torch;

namespace NetLearn.Deep.Data;

/// <summary>
/// Random image augmentation on batches of flattened images [batch, channels·height·width] (as the ConvNet receives
/// them): crops after zero padding, horizontal flips and rotations, drawn from libtorch's seeded generator.
/// </summary>
public static class ImageAugmentation
{
    /// <summary>The augmentation for images of the given shape, or <c>null</c> when every option is off.</summary>
    /// <param name="cropPadding">Pad by this many pixels, then crop back at a random offset; 0 disables.</param>
    /// <param name="horizontalFlip">Flip half the images left-right.</param>
    /// <param name="maxDegrees">Rotate by a uniform random angle in [−maxDegrees, maxDegrees]; 0 disables.</param>
    /// <param name="channels">Channels.</param>
    /// <param name="height">Height.</param>
    /// <param name="width">Width.</param>
    public static Func<Tensor, Tensor>? Create(int cropPadding, bool horizontalFlip, double maxDegrees, int channels, int height, int width)
    {
        if (cropPadding <= 0 && !horizontalFlip && maxDegrees <= 0)
        {
            return null;
        }

        return flat =>
        {
            long batch = flat.shape[0];
            var x = flat.reshape(batch, channels, height, width);
            if (cropPadding > 0)
            {
                x = RandomCrop(x, cropPadding);
            }

            if (horizontalFlip)
            {
                var flip = rand(batch, device: x.device).lt(0.5).reshape(batch, 1, 1, 1);
                x = where(flip, x.flip(3), x);
            }

            if (maxDegrees > 0)
            {
                x = Rotate(x, maxDegrees);
            }

            return x.reshape(batch, -1);
        };
    }

    /// <summary>Pads each image by <paramref name="padding"/> zeros and crops it back to its size at a random offset.</summary>
    public static Tensor RandomCrop(Tensor images, int padding)
    {
        ArgumentNullException.ThrowIfNull(images);
        long batch = images.shape[0], height = images.shape[2], width = images.shape[3];
        var padded = nn.functional.pad(images, [padding, padding, padding, padding]);
        long[] offsets = randint(0, (2 * padding) + 1, [batch, 2]).data<long>().ToArray();
        var crops = new Tensor[batch];
        for (long b = 0; b < batch; b++)
        {
            long dy = offsets[2 * b], dx = offsets[(2 * b) + 1];
            crops[b] = padded[b, TensorIndex.Colon, TensorIndex.Slice(dy, dy + height), TensorIndex.Slice(dx, dx + width)];
        }

        return stack(crops, 0);
    }

    /// <summary>Rotates each image about its centre by a random angle up to <paramref name="maxDegrees"/> (bilinear, zero fill).</summary>
    public static Tensor Rotate(Tensor images, double maxDegrees)
    {
        ArgumentNullException.ThrowIfNull(images);
        long batch = images.shape[0];
        var angles = ((rand(batch, device: images.device) * 2) - 1) * (maxDegrees * Math.PI / 180.0);
        var cos = angles.cos();
        var sin = angles.sin();
        var zero = zeros_like(angles);
        var theta = stack([cos, -sin, zero, sin, cos, zero], 1).reshape(batch, 2, 3);
        var grid = nn.functional.affine_grid(theta, images.shape, align_corners: false);
        return nn.functional.grid_sample(images, grid, align_corners: false);
    }
}
