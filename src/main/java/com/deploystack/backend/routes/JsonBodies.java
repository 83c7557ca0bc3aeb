package com.deploystack.backend.routes;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import com.deploystack.backend.services.JsonFactory;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

/** Reads a JSON object request body strictly: media type, size limit and syntax, each with its own 4xx. */
final class JsonBodies {

    private JsonBodies() {
    }

    static JsonObject readObject(ServerRequest request, long limit) {
        if (!request.content().hasEntity()) {
            throw new ApiException(Status.BAD_REQUEST_400, "Request body is required: a JSON object such as"
                                                           + " {\"type\":\"postgresql\"}.");
        }
        boolean json = request.headers().contentType()
                .map(HttpMediaType::mediaType)
                .map(type -> type.type().equals("application") && (type.subtype().equals("json")
                                                                    || type.subtype().endsWith("+json")))
                .orElse(false);
        if (!json) {
            throw new ApiException(Status.UNSUPPORTED_MEDIA_TYPE_415, "Content-Type must be application/json.");
        }
        if (request.headers().contentLength().orElse(0) > limit) {
            throw tooLarge(limit);
        }
        byte[] body = read(request.content().inputStream(), limit);
        try (JsonReader reader = JsonFactory.reader(new ByteArrayInputStream(body))) {
            JsonValue value = reader.readValue();
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                throw new ApiException(Status.BAD_REQUEST_400, "Request body must be a JSON object.");
            }
            return value.asJsonObject();
        } catch (JsonException | IllegalStateException e) {
            throw new ApiException(Status.BAD_REQUEST_400, "Request body is not valid JSON.");
        }
    }

    private static byte[] read(InputStream in, long limit) {
        try (in) {
            byte[] body = in.readNBytes((int) limit + 1);
            if (body.length > limit) {
                throw tooLarge(limit);
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ApiException tooLarge(long limit) {
        return new ApiException(Status.REQUEST_ENTITY_TOO_LARGE_413,
                                "Request body is larger than " + limit + " bytes.");
    }
}
