package com.deploystack.backend.routes;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

import com.deploystack.backend.json.JsonFactory;
import com.deploystack.backend.json.NumberLimits;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

/** Reads a JSON object request body strictly: media type, size limit, syntax and number sizes, each with its own 4xx. */
final class JsonBodies {

    private JsonBodies() {
    }

    static JsonObject readObject(ServerRequest request, long limit) {
        if (!request.content().hasEntity()) {
            throw new ApiException(Status.BAD_REQUEST_400, "Request body is required: a JSON object such as"
                                                           + " {\"type\":\"postgresql\"}.");
        }
        if (!isJson(request)) {
            throw new ApiException(Status.UNSUPPORTED_MEDIA_TYPE_415, "Content-Type must be application/json.");
        }
        if (declaredLength(request) > limit) {
            throw tooLarge(limit);
        }
        byte[] body = read(request, limit);
        JsonValue value;
        try (JsonReader reader = JsonFactory.reader(new ByteArrayInputStream(body))) {
            value = reader.readValue();
        } catch (RuntimeException e) {
            // Parsson reports bad syntax as JsonException, and nesting, number sizes and trailing data
            // beyond its limits as other runtime exceptions: all of them are the client's bytes
            throw new ApiException(Status.BAD_REQUEST_400, "Request body is not valid JSON.");
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new ApiException(Status.BAD_REQUEST_400, "Request body must be a JSON object.");
        }
        if (NumberLimits.oversized(value).isPresent()) {
            throw new ApiException(Status.BAD_REQUEST_400, "Request body holds a number longer than "
                                                           + NumberLimits.MAX_DIGITS + " digits written out.");
        }
        return value.asJsonObject();
    }

    /** Helidon parses the header when asked and throws on a malformed one ("application/", "/"): not JSON. */
    private static boolean isJson(ServerRequest request) {
        try {
            return request.headers().contentType()
                    .map(HttpMediaType::mediaType)
                    .map(type -> type.type().equals("application") && (type.subtype().equals("json")
                                                                        || type.subtype().endsWith("+json")))
                    .orElse(false);
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    private static long declaredLength(ServerRequest request) {
        try {
            return request.headers().contentLength().orElse(0);
        } catch (RuntimeException malformed) {
            throw new ApiException(Status.BAD_REQUEST_400, "Content-Length must be a number of bytes.");
        }
    }

    /** At most {@code limit + 1} bytes; a body Helidon cannot decode (a malformed chunk) is the client's error. */
    private static byte[] read(ServerRequest request, long limit) {
        byte[] body;
        try (InputStream in = request.content().inputStream()) {
            body = in.readNBytes((int) limit + 1);
        } catch (IOException | RuntimeException e) {
            throw new ApiException(Status.BAD_REQUEST_400, "Request body could not be read.");
        }
        if (body.length > limit) {
            throw tooLarge(limit);
        }
        return body;
    }

    private static ApiException tooLarge(long limit) {
        return new ApiException(Status.REQUEST_ENTITY_TOO_LARGE_413,
                                "Request body is larger than " + limit + " bytes.");
    }
}
