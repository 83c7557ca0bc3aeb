package com.deploystack.backend.routes;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import io.helidon.common.parameters.Parameters;
import io.helidon.http.Status;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/** Validation of JSON request fields, each failure a 400 naming the field. */
final class Fields {

    private Fields() {
    }

    static void onlyKnown(JsonObject body, Set<String> allowed) {
        Set<String> unknown = new TreeSet<>(body.keySet());
        unknown.removeAll(allowed);
        if (!unknown.isEmpty()) {
            throw badRequest("Unknown field" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown) + ".");
        }
    }

    static String requiredText(JsonObject body, String field, int maxLength) {
        return optionalText(body, field, maxLength)
                .orElseThrow(() -> badRequest("Field \"" + field + "\" is required."));
    }

    static Optional<String> optionalText(JsonObject body, String field, int maxLength) {
        JsonValue value = body.get(field);
        if (value == null || value == JsonValue.NULL) {
            return Optional.empty();
        }
        if (!(value instanceof JsonString text)) {
            throw badRequest("Field \"" + field + "\" must be a string.");
        }
        String trimmed = text.getString().strip();
        if (trimmed.isEmpty()) {
            throw badRequest("Field \"" + field + "\" must not be empty.");
        }
        if (trimmed.length() > maxLength) {
            throw badRequest("Field \"" + field + "\" must be at most " + maxLength + " characters.");
        }
        return Optional.of(trimmed);
    }

    static Optional<JsonObject> optionalObject(JsonObject body, String field) {
        JsonValue value = body.get(field);
        if (value == null || value == JsonValue.NULL) {
            return Optional.empty();
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw badRequest("Field \"" + field + "\" must be a JSON object.");
        }
        return Optional.of(value.asJsonObject());
    }

    /**
     * Query parameter {@code name} of {@code query} as a whole number from {@code min} to {@code max}, {@code absent}
     * when it is not given; else 400.
     */
    static int wholeQuery(Parameters query, String name, int min, int max, int absent) {
        Optional<String> raw = query.first(name).asOptional();
        if (raw.isEmpty()) {
            return absent;
        }
        try {
            int value = Integer.parseInt(raw.get());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw badRequest("Query parameter \"" + name + "\" must be a whole number from " + min + " to " + max + ".");
    }

    static ApiException badRequest(String message) {
        return new ApiException(Status.BAD_REQUEST_400, message);
    }
}
