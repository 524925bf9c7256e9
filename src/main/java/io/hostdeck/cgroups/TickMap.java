package io.hostdeck.cgroups;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * One tick's values by cgroup path, immutable: an array in the order of the reader's walk, and the
 * walk's index of paths, which every tick of the same walk shares. At 10,000 cgroups two new hash
 * maps a tick (rates and samples) were a twentieth of the sampler's time and most of its garbage.
 */
final class TickMap<V> extends AbstractMap<String, V> {

    /** A walk's paths and their positions, made once per walk. */
    static final class Index {
        final List<String> paths;
        private final Map<String, Integer> positions;

        Index(List<String> paths) {
            this.paths = paths;
            this.positions = new java.util.HashMap<>(paths.size() * 2);
            for (int i = 0; i < paths.size(); i++) {
                positions.put(paths.get(i), i);
            }
        }

        int of(Object path) {
            Integer i = positions.get(path);
            return i == null ? -1 : i;
        }
    }

    private final Index index;
    private final Object[] values;
    private final int size;
    private Set<Entry<String, V>> entries;

    /** {@code values[i]} is the value of {@code index.paths.get(i)}, null where there is none; not copied. */
    TickMap(Index index, Object[] values, int size) {
        this.index = index;
        this.values = values;
        this.size = size;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(Object key) {
        int i = index.of(key);
        return i < 0 ? null : (V) values[i];
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void forEach(BiConsumer<? super String, ? super V> action) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                action.accept(index.paths.get(i), (V) values[i]);
            }
        }
    }

    @Override
    public Set<Entry<String, V>> entrySet() {
        if (entries == null) {
            entries = new AbstractSet<>() {
                @Override
                public int size() {
                    return size;
                }

                @Override
                public Iterator<Entry<String, V>> iterator() {
                    return new Iterator<>() {
                        private int next = advance(0);

                        private int advance(int from) {
                            int i = from;
                            while (i < values.length && values[i] == null) {
                                i++;
                            }
                            return i;
                        }

                        @Override
                        public boolean hasNext() {
                            return next < values.length;
                        }

                        @Override
                        @SuppressWarnings("unchecked")
                        public Entry<String, V> next() {
                            if (next >= values.length) {
                                throw new NoSuchElementException();
                            }
                            Entry<String, V> e = new SimpleImmutableEntry<>(index.paths.get(next), (V) values[next]);
                            next = advance(next + 1);
                            return e;
                        }
                    };
                }
            };
        }
        return entries;
    }
}
