package com.deploystack.backend.support;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A JDBC connection that counts the statements it sends: every {@code execute*} call on a statement made
 * through it, and {@code commit}/{@code rollback}. Each is one round trip to PostgreSQL.
 */
public final class CountingConnection {

    private final Connection connection;
    private final AtomicInteger statements = new AtomicInteger();

    private CountingConnection(Connection target) {
        this.connection = (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                counting(target, name -> name.equals("commit") || name.equals("rollback"), true));
    }

    public static CountingConnection wrap(Connection target) {
        return new CountingConnection(target);
    }

    public Connection connection() {
        return connection;
    }

    public int statements() {
        return statements.get();
    }

    private InvocationHandler counting(Object target, Predicate<String> counted, boolean wrapStatements) {
        return (proxy, method, args) -> {
            if (counted.test(method.getName())) {
                statements.incrementAndGet();
            }
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (wrapStatements && result instanceof Statement statement) {
                Class<?> type = method.getReturnType();
                return Proxy.newProxyInstance(Statement.class.getClassLoader(), new Class<?>[] {type},
                                              counting(statement, name -> name.startsWith("execute"), false));
            }
            return result;
        };
    }
}
