package com.deploystack.backend.observe;

import java.util.Optional;
import java.util.Set;

import io.helidon.http.Method;

/**
 * The labels of the request meters, each with a bounded set of values: the route's template as registered
 * ({@code /api/teams/{id}}), never the path a client sent; {@value #UNMATCHED} when no route matched; the method
 * when it is a standard one; the status class ({@code 2xx}); the family of routes an authentication failure belongs
 * to.
 */
final class RouteLabels {

    static final String UNMATCHED = "unmatched";
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS",
                                                      "TRACE", "CONNECT");

    private RouteLabels() {
    }

    /**
     * The template of the route that answered, or {@value #UNMATCHED}; without the trailing slash of a service's root
     * route ({@code /observe/metrics/} is {@code /observe/metrics}).
     */
    static String route(Optional<String> matchingPattern) {
        return matchingPattern.filter(pattern -> pattern.startsWith("/"))
                .map(pattern -> pattern.length() > 1 && pattern.endsWith("/")
                        ? pattern.substring(0, pattern.length() - 1) : pattern)
                .orElse(UNMATCHED);
    }

    /** A standard method's name; {@code other} for any other token a client may send. */
    static String method(Method method) {
        String name = method.text();
        return METHODS.contains(name) ? name : "other";
    }

    static String statusClass(int status) {
        return status >= 100 && status < 600 ? status / 100 + "xx" : "other";
    }

    /** Which token guards the route: the setup token, the admin token of settings, plugins, management or observe. */
    static String family(String route) {
        if (route.startsWith("/api/db/")) {
            return "setup";
        }
        if (route.startsWith("/api/settings")) {
            return "settings";
        }
        if (route.startsWith("/api/plugin/")) {
            return "plugins";
        }
        if (route.startsWith("/observe/")) {
            return "observe";
        }
        return route.startsWith("/api/") ? "management" : "other";
    }
}
