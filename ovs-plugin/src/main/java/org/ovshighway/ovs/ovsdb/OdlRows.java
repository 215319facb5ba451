package org.ovshighway.ovs.ovsdb;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opendaylight.ovsdb.lib.message.TableUpdate;
import org.opendaylight.ovsdb.lib.message.TableUpdates;
import org.opendaylight.ovsdb.lib.notation.Column;
import org.opendaylight.ovsdb.lib.notation.Row;
import org.opendaylight.ovsdb.lib.notation.UUID;

/**
 * Converts the OVSDB library's rows and updates into the plain values {@link OvsdbMirror} keeps,
 * so that no library type outlives the callback that delivered it.
 */
final class OdlRows {

    /** One row update: table, row UUID and the new contents, or null when the row was deleted. */
    record RowChange(String table, String uuid, Map<String, Object> row) {
    }

    private OdlRows() {
    }

    @SuppressWarnings("rawtypes") // TableUpdates.getUpdates() is declared with a raw TableUpdate
    static List<RowChange> changes(TableUpdates updates) {
        List<RowChange> out = new ArrayList<>();
        if (updates == null || updates.getUpdates() == null) {
            return out;
        }
        for (Map.Entry<String, TableUpdate> table : updates.getUpdates().entrySet()) {
            Map<?, ?> rows = table.getValue().getRows();
            for (Object o : rows.values()) {
                TableUpdate.RowUpdate<?> update = (TableUpdate.RowUpdate<?>) o;
                Row<?> row = update.getNew();
                out.add(new RowChange(table.getKey(), update.getUuid().toString(), row == null ? null : values(row)));
            }
        }
        return out;
    }

    static Map<String, Object> values(Row<?> row) {
        Map<String, Object> out = new HashMap<>();
        for (Column<?, ?> column : row.getColumns()) {
            Object value = plain(column.getData());
            if (value != null) {
                out.put(column.getSchema().getName(), value);
            }
        }
        return out;
    }

    static Object plain(Object value) {
        if (value instanceof UUID uuid) {
            return uuid.toString();
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(plain(k), plain(v)));
            return Map.copyOf(out);
        }
        if (value instanceof Collection<?> collection) {
            Set<Object> out = new LinkedHashSet<>();
            collection.forEach(v -> out.add(plain(v)));
            return Set.copyOf(out);
        }
        return value;
    }
}
