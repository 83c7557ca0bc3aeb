package com.deploystack.backend.db.schema;

import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What changing a column from one type to another (both as {@code format_type} prints them) costs PostgreSQL. */
public enum TypeChange {
    /** No rewrite and no scan: only the catalog changes (a longer or removed length limit, varchar to text). */
    CATALOG_ONLY,
    /** Every value fits the new type, but the table and its indexes are rewritten under an exclusive lock. */
    REWRITE,
    /** Values may not fit (the change then fails) or lose precision (rounded, cut): rewritten, and destructive. */
    LOSSY;

    private static final Pattern MODIFIERS = Pattern.compile("^(character varying|numeric)(?:\\((\\d+)(?:,(\\d+))?\\))?$");
    private static final List<String> INTEGERS = List.of("smallint", "integer", "bigint");
    private static final Set<String> TEXT = Set.of("text", "character varying");

    public static TypeChange of(String from, String to) {
        if (from.equals(to)) {
            return CATALOG_ONLY;
        }
        boolean array = from.endsWith("[]");
        if (array != to.endsWith("[]")) {
            return LOSSY;
        }
        String before = array ? from.substring(0, from.length() - 2) : from;
        String after = array ? to.substring(0, to.length() - 2) : to;
        Matcher old = MODIFIERS.matcher(before);
        Matcher next = MODIFIERS.matcher(after);
        boolean textBefore = before.equals("text") || old.matches() && old.group(1).equals("character varying");
        boolean unboundedTextAfter = after.equals("text") || after.equals("character varying");
        if (textBefore && unboundedTextAfter) {
            return CATALOG_ONLY;
        }
        if (old.matches() && next.matches() && old.group(1).equals(next.group(1)) && old.group(2) != null) {
            if (next.group(2) == null) {
                return CATALOG_ONLY;
            }
            boolean sameScale = old.group(3) == null ? next.group(3) == null : old.group(3).equals(next.group(3));
            return sameScale && Integer.parseInt(next.group(2)) >= Integer.parseInt(old.group(2)) ? CATALOG_ONLY : LOSSY;
        }
        if (INTEGERS.contains(before) && INTEGERS.contains(after)) {
            return INTEGERS.indexOf(after) > INTEGERS.indexOf(before) ? REWRITE : LOSSY;
        }
        if (INTEGERS.contains(before) && after.equals("numeric") || before.equals("real") && after.equals("double precision")
            || unboundedTextAfter && !TEXT.contains(before)) {
            return REWRITE;
        }
        return LOSSY;
    }
}
