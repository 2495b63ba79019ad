package dev.ublks3.storage.layer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Just enough JSON to read the stats back in tests: objects, arrays, strings without escapes, numbers. */
final class MiniJson {

    private final String text;
    private int at;

    private MiniJson(String text) {
        this.text = text;
    }

    static Object parse(String text) {
        MiniJson p = new MiniJson(text);
        Object value = p.value();
        p.skipSpace();
        if (p.at != text.length()) {
            throw new IllegalArgumentException("trailing text at " + p.at);
        }
        return value;
    }

    /** Follows a path of object keys, e.g. {@code get(json, "block", "write", "ops")}. */
    static Object get(Object json, String... path) {
        Object value = json;
        for (String key : path) {
            if (!(value instanceof Map<?, ?> map) || !map.containsKey(key)) {
                throw new AssertionError("no " + key + " in " + value);
            }
            value = map.get(key);
        }
        return value;
    }

    private Object value() {
        skipSpace();
        char c = text.charAt(at);
        if (c == '{') {
            Map<String, Object> map = new LinkedHashMap<>();
            return elements('}', map, () -> {
                skipSpace();
                String key = string();
                skipSpace();
                expect(':');
                if (map.put(key, value()) != null) {
                    throw new IllegalArgumentException("duplicate key " + key);
                }
            });
        }
        if (c == '[') {
            List<Object> list = new ArrayList<>();
            return elements(']', list, () -> list.add(value()));
        }
        if (c == '"') {
            return string();
        }
        int start = at;
        while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        String number = text.substring(start, at);
        if (number.isEmpty()) {
            throw new IllegalArgumentException("unexpected '" + c + "' at " + start);
        }
        return number.matches("-?\\d+") ? (Object) Long.parseLong(number) : (Object) Double.parseDouble(number);
    }

    /**
     * The elements of the object or array whose opening bracket is at {@code at}, up to {@code close}: none, or
     * {@code element} (which adds one to {@code into}) again after each comma.
     */
    private <T> T elements(char close, T into, Runnable element) {
        at++;
        skipSpace();
        if (text.charAt(at) == close) {
            at++;
            return into;
        }
        while (true) {
            element.run();
            skipSpace();
            if (text.charAt(at) == ',') {
                at++;
            } else {
                expect(close);
                return into;
            }
        }
    }

    private String string() {
        expect('"');
        int end = text.indexOf('"', at);
        String s = text.substring(at, end);
        if (s.contains("\\")) {
            throw new IllegalArgumentException("escapes not expected: " + s);
        }
        at = end + 1;
        return s;
    }

    private void expect(char c) {
        if (text.charAt(at) != c) {
            throw new IllegalArgumentException("expected '" + c + "' at " + at + ", found '" + text.charAt(at) + "'");
        }
        at++;
    }

    private void skipSpace() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
    }
}
