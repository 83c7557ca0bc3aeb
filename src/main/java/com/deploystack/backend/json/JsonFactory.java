package com.deploystack.backend.json;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.util.Collection;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.spi.JsonProvider;

/**
 * JSON-P builders and readers from a provider looked up once. {@code Json.createObjectBuilder()} and its
 * siblings look the provider up through {@code ServiceLoader} on every call, scanning the classpath's jars:
 * on a team read that was 40% of the service's CPU. Use these on every request path.
 */
public final class JsonFactory {

    private static final JsonProvider PROVIDER = JsonProvider.provider();

    private JsonFactory() {
    }

    public static JsonObjectBuilder object() {
        return PROVIDER.createObjectBuilder();
    }

    public static JsonArrayBuilder array() {
        return PROVIDER.createArrayBuilder();
    }

    public static JsonArrayBuilder array(Collection<?> values) {
        return PROVIDER.createArrayBuilder(values);
    }

    public static JsonString value(String text) {
        return PROVIDER.createValue(text);
    }

    public static JsonNumber number(BigDecimal number) {
        return PROVIDER.createValue(number);
    }

    public static JsonReader reader(InputStream in) {
        return PROVIDER.createReader(in);
    }

    public static JsonReader reader(Reader in) {
        return PROVIDER.createReader(in);
    }
}
