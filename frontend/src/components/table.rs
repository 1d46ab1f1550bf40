//! Sorting and paging for the SPA's tables. Directory lists are small (tens to hundreds of rows),
//! so they are sorted and paged in the browser; every table gets the same clickable headers and
//! the same pager, keyboard-usable (headers are buttons).

use leptos::prelude::*;

use crate::erased::effect;
use crate::i18n::t;

/// Rows per table page.
pub const PAGE_SIZE: usize = 20;

/// Which column a table is sorted by, and which way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortOrder {
    /// Column index as the page numbers its headers.
    pub column: usize,
    /// A→Я / small→large when true.
    pub ascending: bool,
}

impl SortOrder {
    /// No column chosen: rows stay in the order the server sent.
    pub const SERVER: Self = Self {
        column: usize::MAX,
        ascending: true,
    };

    /// Ascending by `column`.
    pub const fn by(column: usize) -> Self {
        Self {
            column,
            ascending: true,
        }
    }
}

/// A cell's value as it sorts: numbers by value, text case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum SortKey {
    /// Money in tiyn, minutes, ids.
    Num(i64),
    /// Names, codes (compared lower-cased).
    Text(String),
}

impl SortKey {
    /// Text key, lower-cased so "айгерим" and "Айгерим" sort together.
    pub fn text(s: &str) -> Self {
        Self::Text(s.to_lowercase())
    }
}

/// Sorts `rows` by `order`, stably, so equal keys (and [`SortOrder::SERVER`]) keep the server's
/// order. `key` gives a cell's value by column index.
pub fn sort_rows<T>(rows: &mut Vec<T>, order: SortOrder, key: impl Fn(&T, usize) -> SortKey) {
    let positions = sorted_positions(rows, order, key);
    let mut taken: Vec<Option<T>> = std::mem::take(rows).into_iter().map(Some).collect();
    *rows = positions
        .into_iter()
        .filter_map(|i| taken.get_mut(i).and_then(Option::take))
        .collect();
}

/// The page `page` (0-based) of [`PAGE_SIZE`] rows of `rows` in `order` (only that page's rows
/// are cloned).
pub fn sorted_page<T: Clone>(
    rows: &[T],
    order: SortOrder,
    page: usize,
    key: impl Fn(&T, usize) -> SortKey,
) -> Vec<T> {
    sorted_positions(rows, order, key)
        .into_iter()
        .skip(page * PAGE_SIZE)
        .take(PAGE_SIZE)
        .filter_map(|i| rows.get(i).cloned())
        .collect()
}

/// The positions of `rows` in `order`, stable ([`SortOrder::SERVER`]: as they are).
fn sorted_positions<T>(
    rows: &[T],
    order: SortOrder,
    key: impl Fn(&T, usize) -> SortKey,
) -> Vec<usize> {
    if order == SortOrder::SERVER {
        return (0..rows.len()).collect();
    }
    let keys = rows.iter().map(|row| key(row, order.column)).collect();
    sort_keys(keys, order.ascending)
}

/// The order of `keys` as their positions, stable. Not generic, so every table shares one
/// compiled sort (each `sort_by` over a row type is ~3 KB of wasm).
fn sort_keys(keys: Vec<SortKey>, ascending: bool) -> Vec<usize> {
    let mut positions: Vec<usize> = (0..keys.len()).collect();
    positions.sort_by(|&a, &b| {
        let o = keys[a].cmp(&keys[b]);
        if ascending {
            o
        } else {
            o.reverse()
        }
    });
    positions
}

/// A column header that sorts by its column: first click ascending, second descending.
#[component]
pub fn SortHeader(
    /// Header text.
    label: &'static str,
    /// This column's index.
    column: usize,
    /// The table's order.
    order: RwSignal<SortOrder>,
) -> impl IntoView {
    let aria = move || {
        let o = order.get();
        match (o.column == column, o.ascending) {
            (false, _) => "none",
            (true, true) => "ascending",
            (true, false) => "descending",
        }
    };
    let arrow = move || match aria() {
        "ascending" => " ▲",
        "descending" => " ▼",
        _ => "",
    };
    let click = move |_| {
        order.update(|o| {
            *o = if o.column == column {
                SortOrder {
                    column,
                    ascending: !o.ascending,
                }
            } else {
                SortOrder::by(column)
            }
        });
    };
    view! {
        <th aria-sort=aria>
            <button type="button" class="link sort" on:click=click>{label}{arrow}</button>
        </th>
    }
}

/// "‹ Назад · 21–40 из 57 · Вперёд ›" under a table; hidden when everything fits on one page.
#[component]
pub fn Pager(
    /// Current page, 0-based.
    page: RwSignal<usize>,
    /// Rows in the whole table.
    #[prop(into)]
    total: Signal<usize>,
) -> impl IntoView {
    let s = t();
    let pages = move || total.get().div_ceil(PAGE_SIZE).max(1);
    // A filter that shrinks the table must not leave the pager past the end.
    effect(move || {
        if page.get() >= pages() {
            page.set(pages() - 1);
        }
    });
    let range = move || {
        let first = page.get() * PAGE_SIZE + 1;
        let last = ((page.get() + 1) * PAGE_SIZE).min(total.get());
        format!("{first}–{last} {} {}", s.of, total.get())
    };
    view! {
        <Show when=move || { pages() > 1 }>
            <nav class="pager" aria-label=s.pages>
                <button type="button" class="secondary" disabled=move || page.get() == 0
                    on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>{s.prev_page}</button>
                <span data-testid="pager-range">{range}</span>
                <button type="button" class="secondary" disabled=move || { page.get() + 1 >= pages() }
                    on:click=move |_| page.update(|p| *p += 1)>{s.next_page}</button>
            </nav>
        </Show>
    }
}

/// A table row that opens its record on click or Enter (rows are focusable, so keyboard users
/// reach them with Tab); `inactive` greys out archived records.
#[component]
pub fn ClickableRow(
    /// What opening the row does.
    on_open: Callback<()>,
    /// Archived record.
    #[prop(optional)]
    inactive: bool,
    children: Children,
) -> impl IntoView {
    view! {
        <tr class="clickable" tabindex="0" class:inactive=inactive
            on:click=move |_| on_open.run(())
            on:keydown=move |ev| if ev.key() == "Enter" { on_open.run(()) }>
            {children()}
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::{sort_rows, sorted_page, SortKey, SortOrder};

    fn key(row: &(&str, i64), column: usize) -> SortKey {
        match column {
            0 => SortKey::text(row.0),
            _ => SortKey::Num(row.1),
        }
    }

    #[test]
    fn rows_sort_by_the_column_both_ways_and_equal_keys_keep_the_servers_order() {
        let server = vec![("Борис", 2), ("айгерим", 1), ("Айгерим", 3), ("Ерлан", 1)];
        let mut rows = server.clone();
        sort_rows(&mut rows, SortOrder::by(0), key);
        assert_eq!(
            rows,
            [("айгерим", 1), ("Айгерим", 3), ("Борис", 2), ("Ерлан", 1)]
        );
        let mut rows = server.clone();
        sort_rows(
            &mut rows,
            SortOrder {
                column: 1,
                ascending: false,
            },
            key,
        );
        assert_eq!(
            rows,
            [("Айгерим", 3), ("Борис", 2), ("айгерим", 1), ("Ерлан", 1)]
        );
        let mut rows = server.clone();
        sort_rows(&mut rows, SortOrder::SERVER, key);
        assert_eq!(rows, server);
    }

    #[test]
    fn a_page_is_its_slice_of_the_sorted_rows() {
        let rows: Vec<(&str, i64)> = (0..45).map(|i| ("x", (i * 17) % 45)).collect();
        let second = sorted_page(&rows, SortOrder::by(1), 1, key);
        assert_eq!(
            second.iter().map(|r| r.1).collect::<Vec<_>>(),
            (20..40).collect::<Vec<_>>()
        );
        let last = sorted_page(&rows, SortOrder::SERVER, 2, key);
        assert_eq!(last, rows[40..]);
    }
}
