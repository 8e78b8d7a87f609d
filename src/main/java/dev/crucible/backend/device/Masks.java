package dev.crucible.backend.device;

import dev.crucible.backend.FibreLayout;
import dev.crucible.backend.Keys;
import dev.crucible.backend.Mask;
import dev.crucible.backend.Operand;
import dev.crucible.backend.Threshold;
import dev.crucible.rng.Philox;

import java.util.Arrays;

/**
 * Evaluates {@link Keys} and {@link Mask}s over a {@link Window} on the device, as {@code MaskCursor} defines them
 * on the CPU: keys from the window's vectors, top-k from a threshold and the tie prefix of each chunk, Bernoulli and
 * DELLA from Philox on the device, breadcrumbs' band as one mask without the other. A mask is a byte per element
 * (1 kept); with {@code p} asked for, each element's keep probability too (1 for the deterministic masks), for the
 * inverse-probability rescale.
 */
final class Masks {
    private final Device device;
    private final Scratch scratch;

    Masks(Device device, Scratch scratch) {
        this.device = device;
        this.scratch = scratch;
    }

    /** The unsigned 32-bit keys of the window's elements, in the buffer of {@code role}. */
    Device.Buffer keys(Keys keys, Window w, String role) {
        Device.Buffer out = scratch.get(role, 4 * w.n);
        switch (keys) {
            case Keys.DeltaMagnitude(Operand x, Operand b) ->
                    device.launch("keys_magnitude", w.groups(), w.vector(x), w.vector(b), out, w.n);
            case Keys.DeltaVariance(Operand[] xs, Operand b) ->
                    device.launch("keys_variance", w.groups(), w.models(xs), xs.length, w.stride, w.vector(b), out,
                            w.n);
            case Keys.Signed(Operand values) -> device.launch("keys_signed", w.groups(), w.vector(values), out, w.n);
        }
        return out;
    }

    /**
     * Writes {@code mask} over the window into {@code keep} (n bytes) and, when {@code p} is not null, the keep
     * probabilities into {@code p} (n doubles).
     */
    void evaluate(Mask mask, Window w, Device.Buffer keep, Device.Buffer p) {
        evaluate(mask, w, keep, p, 0);
    }

    private void evaluate(Mask mask, Window w, Device.Buffer keep, Device.Buffer p, int depth) {
        switch (mask) {
            case Mask.All a -> fill(keep, 1, p, 1.0, w);
            case Mask.None none -> fill(keep, 0, p, 1.0, w);
            case Mask.Top top -> {
                Device.Buffer keys = keys(top.keys(), w, "keys");
                Threshold t = top.threshold();
                long firstChunk = w.from / Threshold.CHUNK;
                long chunks = Math.ceilDiv(w.n, Threshold.CHUNK);
                Device.Buffer before = scratch.longs("ties-before", Arrays.copyOfRange(t.tiePrefix(),
                        Math.toIntExact(firstChunk), Math.toIntExact(firstChunk + chunks)));
                device.launch("mask_top", chunks, keys, w.n, t.key(), t.ties(), before, keep);
                fillProbabilities(p, 1.0, w);
            }
            case Mask.Band band -> {
                evaluate(band.within(), w, keep, null, depth + 1);
                Device.Buffer excluded = scratch.get("band" + depth, w.n);
                evaluate(band.excluded(), w, excluded, null, depth + 1);
                device.launch("mask_and_not", w.groups(), keep, excluded, w.n);
                fillProbabilities(p, 1.0, w);
            }
            case Mask.Bernoulli bern -> {
                device.launch("mask_bernoulli", w.groups(), w.from, (int) bern.key(), (int) (bern.key() >>> 32),
                        Philox.threshold(bern.p()), keep, w.n);
                fillProbabilities(p, bern.p(), w);
            }
            case Mask.Della della -> {
                Device.Buffer probabilities = p != null ? p : scratch.get("della-p", 8 * w.n);
                dellaProbabilities(della, w, probabilities);
                device.launch("mask_della", w.groups(), probabilities, w.from, (int) della.key(),
                        (int) (della.key() >>> 32), keep, w.n);
            }
        }
    }

    /**
     * DELLA's per-element keep probabilities from the rank of each key in its fibre; the window holds whole blocks of
     * fibres ({@link DeviceBackend#alignment}).
     */
    private void dellaProbabilities(Mask.Della d, Window w, Device.Buffer p) {
        FibreLayout f = d.fibres();
        long fibres = w.n / (f.length() * f.inner()) * f.inner();
        long padded = Long.highestOneBit(Math.max(1, f.length() - 1)) << (f.length() > 1 ? 1 : 0);
        Device.Buffer keys = keys(d.keys(), w, "keys");
        Device.Buffer sort = scratch.get("della-sort", 8 * padded * fibres);
        device.launch("della_probabilities", fibres, keys, f.length(), f.inner(), d.density(), d.epsilon(), sort,
                padded, p, fibres);
    }

    private void fill(Device.Buffer keep, int value, Device.Buffer p, double probability, Window w) {
        device.launch("fill_u8", w.groups(), keep, value, w.n);
        fillProbabilities(p, probability, w);
    }

    private void fillProbabilities(Device.Buffer p, double probability, Window w) {
        if (p != null) {
            device.launch("fill_f64", w.groups(), p, probability, w.n);
        }
    }
}
