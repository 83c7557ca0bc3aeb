package com.deploystack.backend.routes;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import com.deploystack.backend.db.Database;
import com.deploystack.backend.json.JsonFactory;
import com.deploystack.backend.services.McpServer;
import com.deploystack.backend.services.McpServerMatch;
import com.deploystack.backend.services.McpServerService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/** {@code GET /api/mcp/servers?q=&limit=} (search, or the catalog by name without {@code q}) and {@code POST}. */
final class McpServerHandlers {

    static final int MAX_LIMIT = 100;
    static final int MAX_QUERY = 200;
    private static final int MAX_TAGS = 20;
    private static final Set<String> TRANSPORTS = Set.of("stdio", "http", "sse");

    private final Database database;
    private final long bodyLimit;

    McpServerHandlers(Database database, long bodyLimit) {
        this.database = database;
        this.bodyLimit = bodyLimit;
    }

    void search(ServerRequest request, ServerResponse response) {
        int limit = Fields.wholeQuery(request.query(), "limit", 1, MAX_LIMIT, 20);
        Optional<String> words = request.query().first("q").map(McpServerHandlers::words);
        JsonArrayBuilder found = JsonFactory.array();
        ReadYourWrites.read(database, request, db -> {
            McpServerService servers = new McpServerService(db);
            return words.isPresent()
                    ? servers.search(words.get(), limit).stream().map(McpServerMatch::toJson).toList()
                    : servers.list(limit).stream().map(McpServer::toJson).toList();
        }).forEach(found::add);
        Envelope.ok(response, found.build());
    }

    void create(ServerRequest request, ServerResponse response) {
        JsonObject body = JsonBodies.readObject(request, bodyLimit);
        Fields.onlyKnown(body, Set.of("name", "slug", "description", "tags", "transport_type"));
        String name = Fields.requiredText(body, "name", 100);
        String slug = Fields.optionalText(body, "slug", 100).orElseGet(() -> slugOf(name));
        if (!slug.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
            throw Fields.badRequest("Field \"slug\" may hold only lowercase letters, digits and single dashes.");
        }
        String description = Fields.optionalText(body, "description", 2000).orElse(null);
        String transport = Fields.optionalText(body, "transport_type", 10).orElse("stdio");
        if (!TRANSPORTS.contains(transport)) {
            throw Fields.badRequest("Field \"transport_type\" must be \"stdio\", \"http\" or \"sse\".");
        }
        McpServer server = new McpServerService(database.client())
                .create(name, slug, description, tags(body), transport);
        Envelope.created(response, server.toJson());
    }

    /** Up to {@value #MAX_TAGS} tags, each a word or a few (at most 50 characters), kept in lower case. */
    private static List<String> tags(JsonObject body) {
        JsonValue value = body.get("tags");
        if (value == null || value == JsonValue.NULL) {
            return List.of();
        }
        if (!(value instanceof JsonArray array) || array.size() > MAX_TAGS) {
            throw Fields.badRequest("Field \"tags\" must be an array of at most " + MAX_TAGS + " strings.");
        }
        List<String> tags = new ArrayList<>();
        for (JsonValue tag : array) {
            String text = tag instanceof JsonString string ? string.getString().strip() : "";
            if (text.isEmpty() || text.length() > 50 || text.chars().anyMatch(Character::isISOControl)) {
                throw Fields.badRequest("Field \"tags\" must hold non-empty strings of at most 50 characters.");
            }
            tags.add(text.toLowerCase(Locale.ROOT));
        }
        return tags;
    }

    private static String words(String raw) {
        String words = raw.strip();
        if (words.isEmpty() || words.length() > MAX_QUERY || words.chars().anyMatch(Character::isISOControl)) {
            throw Fields.badRequest("Query parameter \"q\" must hold 1 to " + MAX_QUERY + " characters of words to"
                                    + " search for.");
        }
        return words;
    }

    private static String slugOf(String name) {
        String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        if (slug.isEmpty()) {
            throw Fields.badRequest("Field \"slug\" is required when the name has no letters or digits.");
        }
        return slug;
    }
}
