package com.deploystack.backend.json;

import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

import jakarta.json.JsonNumber;
import jakarta.json.JsonValue;

/**
 * The size of a number the service accepts from a client: at most {@value #MAX_DIGITS} digits when written out in
 * plain notation. {@code 1e1000000000} is a dozen bytes of JSON and a billion digits once expanded (by
 * {@code toPlainString}, {@code toBigInteger}, {@code intValue}): such numbers are refused before anything
 * expands them. The check reads only the number's precision and scale, which parsing computes cheaply.
 */
public final class NumberLimits {

    /** Enough for any count, port, duration or amount the service stores; far below anything costly. */
    public static final int MAX_DIGITS = 64;

    private NumberLimits() {
    }

    /** True when {@code number} written out has at most {@value #MAX_DIGITS} digits. */
    public static boolean fits(BigDecimal number) {
        long integerDigits = Math.max((long) number.precision() - number.scale(), 1);
        long fractionDigits = Math.max(number.scale(), 0);
        return integerDigits + fractionDigits <= MAX_DIGITS;
    }

    /** The first number anywhere in {@code value} (objects and arrays included) that does not fit. */
    public static Optional<JsonNumber> oversized(JsonValue value) {
        Deque<JsonValue> pending = new ArrayDeque<>();
        pending.push(value);
        while (!pending.isEmpty()) {
            JsonValue next = pending.pop();
            switch (next.getValueType()) {
                case NUMBER -> {
                    JsonNumber number = (JsonNumber) next;
                    if (!fits(number.bigDecimalValue())) {
                        return Optional.of(number);
                    }
                }
                case OBJECT -> next.asJsonObject().values().forEach(pending::push);
                case ARRAY -> next.asJsonArray().forEach(pending::push);
                default -> {
                    // strings, booleans and null have no number to expand
                }
            }
        }
        return Optional.empty();
    }
}
