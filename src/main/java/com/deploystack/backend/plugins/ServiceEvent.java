package com.deploystack.backend.plugins;

import jakarta.json.JsonObject;

/** Something that happened in the service, e.g. {@code database.setup}; {@code detail} never holds a secret. */
public record ServiceEvent(String name, JsonObject detail) {
}
