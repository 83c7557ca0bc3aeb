package com.deploystack.backend.services;

import com.deploystack.backend.db.Rows;
import com.deploystack.backend.json.JsonFactory;
import io.helidon.dbclient.DbRow;
import jakarta.json.JsonObject;

/**
 * A search hit: the server, its rank ({@code ts_rank_cd}: higher is better) and its name and description with the
 * matched words between {@code <mark>} and {@code </mark>} ({@code ts_headline}; the rest of the text HTML-escaped).
 */
public record McpServerMatch(McpServer server, double rank, String nameHighlight, String descriptionHighlight) {

    static McpServerMatch from(DbRow row) {
        return new McpServerMatch(McpServer.from(row), Double.parseDouble(Rows.text(row, "rank")),
                                  Rows.text(row, "name_highlight"), Rows.text(row, "description_highlight"));
    }

    public JsonObject toJson() {
        return server.toJsonBuilder()
                .add("rank", rank)
                .add("highlight", JsonFactory.object().add("name", nameHighlight)
                        .add("description", descriptionHighlight))
                .build();
    }
}
