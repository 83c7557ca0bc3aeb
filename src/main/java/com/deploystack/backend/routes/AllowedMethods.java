package com.deploystack.backend.routes;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.helidon.http.Method;
import io.helidon.http.PathMatcher;
import io.helidon.http.PathMatchers;
import io.helidon.webserver.http.ServerRequest;

/**
 * Which methods the routing table serves on a path, so that a request with another method answers 405 with
 * {@code Allow} instead of 404 (Helidon's routing answers 404 whenever no route matches both).
 */
final class AllowedMethods {

    private record Route(Method method, PathMatcher path) {
    }

    private final List<Route> routes;

    /** The methods of {@code endpoints}, and GET and HEAD on each of the {@code healthPaths}. */
    AllowedMethods(List<Routes.Endpoint> endpoints, List<String> healthPaths) {
        List<Route> all = new ArrayList<>();
        endpoints.forEach(endpoint -> all.add(new Route(endpoint.method(), PathMatchers.create(endpoint.path()))));
        for (String path : healthPaths) {
            all.add(new Route(Method.GET, PathMatchers.exact(path)));
            all.add(new Route(Method.HEAD, PathMatchers.exact(path)));
        }
        this.routes = List.copyOf(all);
    }

    /** The methods served on the request's path, in table order; empty when no route has that path. */
    Set<Method> of(ServerRequest request) {
        return routes.stream()
                .filter(route -> route.path().match(request.prologue().uriPath()).accepted())
                .map(Route::method)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** The {@code Allow} header value for {@code methods}. */
    static String header(Set<Method> methods) {
        return methods.stream().map(Method::text).collect(Collectors.joining(", "));
    }
}
