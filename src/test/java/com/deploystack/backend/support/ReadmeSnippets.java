package com.deploystack.backend.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The configuration snippets of README.md, so that the tests run exactly what a reader copies. A snippet is the
 * fenced block after a line {@code <!-- snippet: name -->}.
 */
public final class ReadmeSnippets {

    private ReadmeSnippets() {
    }

    public static String get(String name) {
        String readme;
        try {
            readme = Files.readString(Path.of("README.md"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int marker = readme.indexOf("<!-- snippet: " + name + " -->");
        if (marker < 0) {
            throw new AssertionError("README.md has no snippet '" + name + "'");
        }
        int open = readme.indexOf("```", marker);
        int start = readme.indexOf('\n', open) + 1;
        int end = readme.indexOf("\n```", start);
        return readme.substring(start, end + 1);
    }

    /** {@code snippet} with each {@code from} replaced by its {@code to}: the addresses of the test's processes. */
    public static String withAddresses(String snippet, String... fromTo) {
        String result = snippet;
        for (int i = 0; i + 1 < fromTo.length; i += 2) {
            if (!result.contains(fromTo[i])) {
                throw new AssertionError("the README snippet no longer contains " + fromTo[i] + ":\n" + snippet);
            }
            result = result.replace(fromTo[i], fromTo[i + 1]);
        }
        return result;
    }
}
