package com.deploystack.backend.routes;

import java.math.BigDecimal;
import java.util.Set;

import com.deploystack.backend.json.JsonFactory;
import com.deploystack.backend.settings.GlobalSettings;
import com.deploystack.backend.settings.NumberRange;
import com.deploystack.backend.settings.SettingType;
import com.deploystack.backend.settings.SettingsEncryptionException;
import com.deploystack.backend.settings.SettingsService;
import com.deploystack.backend.settings.StoredSetting;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * {@code GET /api/settings}, {@code GET /api/settings/group/{groupId}}, {@code GET/PUT /api/settings/{key}}.
 * Lists mask encrypted values; only the admin's read of one key returns it decrypted.
 */
final class SettingsHandlers {

    static final String MASK = "********";

    private final GlobalSettings settings;
    private final long bodyLimit;

    SettingsHandlers(GlobalSettings settings, long bodyLimit) {
        this.settings = settings;
        this.bodyLimit = bodyLimit;
    }

    void list(ServerRequest request, ServerResponse response) {
        JsonArrayBuilder groups = JsonFactory.array();
        settings.service().groups().forEach(group -> groups.add(groupJson(group)));
        Envelope.ok(response, groups.build());
    }

    void group(ServerRequest request, ServerResponse response) {
        SettingsService.Group group = settings.service().group(request.path().pathParameters().get("groupId"))
                .orElseThrow(() -> new ApiException(Status.NOT_FOUND_404, "Setting group not found"));
        Envelope.ok(response, groupJson(group));
    }

    void get(ServerRequest request, ServerResponse response) {
        SettingsService service = settings.service();
        StoredSetting setting = service.find(key(request)).orElseThrow(SettingsHandlers::notFound);
        String plaintext;
        try {
            plaintext = service.plaintext(setting);
        } catch (SettingsEncryptionException e) {
            throw new ApiException(Status.INTERNAL_SERVER_ERROR_500, e.getMessage());
        }
        Envelope.ok(response, settingJson(setting, value(setting.type(), plaintext)));
    }

    void update(ServerRequest request, ServerResponse response) {
        SettingsService service = settings.service();
        StoredSetting setting = service.find(key(request)).orElseThrow(SettingsHandlers::notFound);
        JsonObject body = JsonBodies.readObject(request, bodyLimit);
        Fields.onlyKnown(body, Set.of("value"));
        if (!body.containsKey("value")) {
            throw Fields.badRequest("Field \"value\" is required (null empties the setting).");
        }
        String value = storedText(setting, body.get("value"), settings.range(setting.key()));
        StoredSetting updated = service.update(setting, value).orElseThrow(SettingsHandlers::notFound);
        settings.changed(updated.key());
        Envelope.ok(response, masked(updated));
    }

    /**
     * The stored text of {@code value} for the setting's type and range; a 400 naming the type or the range when it
     * does not fit.
     */
    private static String storedText(StoredSetting setting, JsonValue value, NumberRange range) {
        if (value == JsonValue.NULL) {
            return null;
        }
        return switch (setting.type()) {
            case STRING -> value instanceof JsonString text ? text.getString() : wrongType(setting, "a string");
            case NUMBER -> {
                BigDecimal number = switch (value) {
                    case JsonNumber sent -> sent.bigDecimalValue();
                    case JsonString text -> SettingType.parseNumber(text.getString())
                            .orElseGet(() -> wrongType(setting, "a number"));
                    default -> wrongType(setting, "a number");
                };
                range.refusal(number).ifPresent(expected -> {
                    throw Fields.badRequest("Setting " + setting.key() + " must be " + expected + ".");
                });
                yield SettingType.numberText(number);
            }
            case BOOLEAN -> switch (value.getValueType()) {
                case TRUE -> "true";
                case FALSE -> "false";
                case STRING -> switch (((JsonString) value).getString()) {
                    case "true" -> "true";
                    case "false" -> "false";
                    default -> wrongType(setting, "true or false");
                };
                default -> wrongType(setting, "true or false");
            };
        };
    }

    private static <T> T wrongType(StoredSetting setting, String expected) {
        throw Fields.badRequest("Setting " + setting.key() + " is a " + setting.type().text() + ": \"value\" must be "
                                + expected + ".");
    }

    private static JsonObject groupJson(SettingsService.Group group) {
        JsonArrayBuilder list = JsonFactory.array();
        group.settings().forEach(setting -> list.add(masked(setting)));
        return JsonFactory.object()
                .add("id", group.id())
                .add("name", group.name())
                .add("description", nullable(group.description()))
                .add("icon", nullable(group.icon()))
                .add("sort_order", group.sortOrder())
                .add("settings", list)
                .build();
    }

    private static JsonObject masked(StoredSetting setting) {
        if (setting.encrypted()) {
            return settingJson(setting, setting.empty() ? JsonValue.NULL : JsonFactory.value(MASK));
        }
        return settingJson(setting, value(setting.type(), setting.value()));
    }

    private static JsonObject settingJson(StoredSetting setting, JsonValue value) {
        JsonObjectBuilder json = JsonFactory.object()
                .add("key", setting.key())
                .add("name", nullable(setting.name()))
                .add("value", value)
                .add("type", setting.type().text())
                .add("description", nullable(setting.description()))
                .add("is_encrypted", setting.encrypted())
                .add("group_id", nullable(setting.groupId()));
        json.add("created_at", setting.createdAt().toString()).add("updated_at", setting.updatedAt().toString());
        return json.build();
    }

    /** A stored text as JSON of its type: numbers and booleans unquoted, null when empty. */
    private static JsonValue value(SettingType type, String text) {
        if (text == null) {
            return JsonValue.NULL;
        }
        return switch (type) {
            case STRING -> JsonFactory.value(text);
            case NUMBER -> text.isEmpty() ? JsonValue.NULL
                    : SettingType.parseNumber(text).<JsonValue>map(JsonFactory::number).orElse(JsonFactory.value(text));
            case BOOLEAN -> text.isEmpty() ? JsonValue.NULL : Boolean.parseBoolean(text) ? JsonValue.TRUE : JsonValue.FALSE;
        };
    }

    private static JsonValue nullable(String text) {
        return text == null ? JsonValue.NULL : JsonFactory.value(text);
    }

    private static String key(ServerRequest request) {
        return request.path().pathParameters().get("key");
    }

    private static ApiException notFound() {
        return new ApiException(Status.NOT_FOUND_404, "Setting not found");
    }
}
