package org.mediaproxy.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bencoding rtpengine's ng control protocol uses: byte strings ({@code 4:spam}), integers
 * ({@code i42e}), lists ({@code l...e}) and dictionaries ({@code d...e}). Strings are decoded as
 * UTF-8, which is all the bench needs (SDP and result words).
 */
final class Bencode {

    private Bencode() {
    }

    /** Encodes strings, numbers, lists and maps (keys in insertion order, as rtpengine accepts). */
    static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, value);
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, Object value) {
        if (value instanceof String text) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            out.writeBytes((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(bytes);
        } else if (value instanceof Number number) {
            out.writeBytes(("i" + number.longValue() + "e").getBytes(StandardCharsets.US_ASCII));
        } else if (value instanceof List<?> list) {
            out.write('l');
            list.forEach(element -> write(out, element));
            out.write('e');
        } else if (value instanceof Map<?, ?> map) {
            out.write('d');
            map.forEach((key, element) -> {
                write(out, key.toString());
                write(out, element);
            });
            out.write('e');
        } else {
            throw new IllegalArgumentException("cannot bencode " + value);
        }
    }

    /** Decodes one value starting at {@code offset}; trailing bytes are an error. */
    static Object decode(byte[] data, int offset) {
        Reader reader = new Reader(data, offset);
        Object value = reader.value();
        if (reader.position != data.length) {
            throw new IllegalArgumentException("trailing bytes after bencoded value at " + reader.position);
        }
        return value;
    }

    private static final class Reader {
        private final byte[] data;
        private int position;

        Reader(byte[] data, int position) {
            this.data = data;
            this.position = position;
        }

        Object value() {
            if (position >= data.length) {
                throw new IllegalArgumentException("truncated bencoded value");
            }
            byte kind = data[position];
            switch (kind) {
                case 'i' -> {
                    position++;
                    return Long.parseLong(until('e'));
                }
                case 'l' -> {
                    position++;
                    List<Object> list = new ArrayList<>();
                    while (peek() != 'e') {
                        list.add(value());
                    }
                    position++;
                    return list;
                }
                case 'd' -> {
                    position++;
                    Map<String, Object> map = new LinkedHashMap<>();
                    while (peek() != 'e') {
                        Object key = value();
                        if (!(key instanceof String name)) {
                            throw new IllegalArgumentException("dictionary key is not a string");
                        }
                        map.put(name, value());
                    }
                    position++;
                    return map;
                }
                default -> {
                    if (kind < '0' || kind > '9') {
                        throw new IllegalArgumentException("unexpected byte '" + (char) kind + "' at " + position);
                    }
                    int length = Integer.parseInt(until(':'));
                    if (length < 0 || position + length > data.length) {
                        throw new IllegalArgumentException("string length " + length + " runs past the end");
                    }
                    String text = new String(data, position, length, StandardCharsets.UTF_8);
                    position += length;
                    return text;
                }
            }
        }

        private byte peek() {
            if (position >= data.length) {
                throw new IllegalArgumentException("truncated bencoded value");
            }
            return data[position];
        }

        private String until(char end) {
            int start = position;
            while (peek() != end) {
                position++;
            }
            String text = new String(data, start, position - start, StandardCharsets.US_ASCII);
            position++;
            return text;
        }
    }
}
