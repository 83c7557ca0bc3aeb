package com.deploystack.backend.observe;

import java.util.Optional;

import io.helidon.http.Method;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class RouteLabelsTest {

    @Test
    void aRouteIsItsTemplateAndAnUnmatchedRequestHasOneFixedLabel() {
        assertThat(RouteLabels.route(Optional.of("/api/teams/{id}")), is("/api/teams/{id}"));
        assertThat(RouteLabels.route(Optional.of("/observe/metrics/")), is("/observe/metrics"));
        assertThat(RouteLabels.route(Optional.of("/")), is("/"));
        assertThat(RouteLabels.route(Optional.empty()), is("unmatched"));
        assertThat(RouteLabels.route(Optional.of("")), is("unmatched"));
    }

    @Test
    void aMethodOutsideTheStandardOnesIsOther() {
        assertThat(RouteLabels.method(Method.GET), is("GET"));
        assertThat(RouteLabels.method(Method.DELETE), is("DELETE"));
        assertThat(RouteLabels.method(Method.create("BREW")), is("other"));
    }

    @Test
    void statusesAreCountedByClass() {
        assertThat(RouteLabels.statusClass(200), is("2xx"));
        assertThat(RouteLabels.statusClass(204), is("2xx"));
        assertThat(RouteLabels.statusClass(401), is("4xx"));
        assertThat(RouteLabels.statusClass(503), is("5xx"));
        assertThat(RouteLabels.statusClass(999), is("other"));
    }

    @Test
    void authenticationFailuresAreGroupedByTheTokenThatGuardsTheRoute() {
        assertThat(RouteLabels.family("/api/db/setup"), is("setup"));
        assertThat(RouteLabels.family("/api/settings/{key}"), is("settings"));
        assertThat(RouteLabels.family("/api/settings"), is("settings"));
        assertThat(RouteLabels.family("/api/plugin/{+}"), is("plugins"));
        assertThat(RouteLabels.family("/observe/metrics"), is("observe"));
        assertThat(RouteLabels.family("/api/teams/{id}"), is("management"));
        assertThat(RouteLabels.family("unmatched"), is("other"));
    }
}
