package dev.crucible.fuzz;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * One change to an input's bytes. Positions and indices wrap around what the input has, so every edit applies to
 * every input, and jqwik can shrink a failing list of edits towards fewer and simpler ones. Token edits work on
 * the tokens of the input's {@link Grammar}, so they splice whole JSON or YAML words rather than random bytes.
 */
sealed interface Edit {
    byte[] apply(byte[] input, Grammar grammar);

    /** Overwrites one byte. */
    record SetByte(int at, int value) implements Edit {
        @Override
        public byte[] apply(byte[] input, Grammar grammar) {
            if (input.length == 0) {
                return input;
            }
            byte[] out = input.clone();
            out[at % out.length] = (byte) value;
            return out;
        }
    }

    /** Inserts a word of the grammar's dictionary anywhere, even inside a token. */
    record InsertWord(int at, int word) implements Edit {
        @Override
        public byte[] apply(byte[] input, Grammar grammar) {
            int position = at % (input.length + 1);
            return splice(input, position, position, grammar.word(word));
        }
    }

    /** Replaces a whole token with a word of the dictionary. */
    record ReplaceToken(int token, int word) implements Edit {
        @Override
        public byte[] apply(byte[] input, Grammar grammar) {
            return grammar.replaceToken(input, token, grammar.word(word));
        }
    }

    /** Copies one token over another, e.g. to repeat a key. */
    record CopyToken(int from, int to) implements Edit {
        @Override
        public byte[] apply(byte[] input, Grammar grammar) {
            int[] source = grammar.tokenSpan(input, from);
            return source == null ? input
                    : grammar.replaceToken(input, to, Arrays.copyOfRange(input, source[0], source[1]));
        }
    }

    /** Deletes up to {@code length} bytes. */
    record Delete(int at, int length) implements Edit {
        @Override
        public byte[] apply(byte[] input, Grammar grammar) {
            int start = at % (input.length + 1);
            return splice(input, start, Math.min(input.length, start + length), new byte[0]);
        }
    }

    /** Keeps only a prefix. */
    record Truncate(int keep) implements Edit {
        @Override
        public byte[] apply(byte[] input, Grammar grammar) {
            return Arrays.copyOf(input, keep % (input.length + 1));
        }
    }

    /** Repeats a stretch of the input in place: long tokens, deep nesting, many entries. */
    record Repeat(int at, int length, int times) implements Edit {
        @Override
        public byte[] apply(byte[] input, Grammar grammar) {
            int start = at % (input.length + 1);
            int end = Math.min(input.length, start + length);
            byte[] stretch = Arrays.copyOfRange(input, start, end);
            int copies = stretch.length == 0 ? 0 : Math.min(times, grammar.maxBytes() / stretch.length);
            var repeated = new ByteArrayOutputStream();
            for (int i = 0; i < copies; i++) {
                repeated.writeBytes(stretch);
            }
            return splice(input, end, end, repeated.toByteArray());
        }
    }

    /** The bytes with {@code [start, end)} replaced. */
    static byte[] splice(byte[] input, int start, int end, byte[] with) {
        byte[] out = new byte[input.length - (end - start) + with.length];
        System.arraycopy(input, 0, out, 0, start);
        System.arraycopy(with, 0, out, start, with.length);
        System.arraycopy(input, end, out, start + with.length, input.length - end);
        return out;
    }
}
