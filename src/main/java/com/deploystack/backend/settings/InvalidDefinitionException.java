package com.deploystack.backend.settings;

/** A definition module that cannot be used; the message names the file and, when there is one, the key. */
public final class InvalidDefinitionException extends RuntimeException {

    InvalidDefinitionException(String message) {
        super(message);
    }
}
