package com.deploystack.backend.routes;

import io.helidon.http.Status;

/** A request the service refuses, with the status and the sentence to answer. */
final class ApiException extends RuntimeException {

    private final Status status;

    ApiException(Status status, String message) {
        super(message);
        this.status = status;
    }

    Status status() {
        return status;
    }
}
