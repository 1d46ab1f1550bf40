//! The one shape of every directory page (doctors, the price list, lead sources): a toolbar with
//! a search box, "show inactive" and "new", the form when one is open, and a sortable, paged
//! table whose rows open their record. A page only says which columns it has and which form it
//! opens.

use std::sync::Arc;

use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::table::{sorted_page, ClickableRow, Pager, SortHeader, SortKey, SortOrder};
use crate::erased::{effect, Loaded};
use crate::i18n::t;

/// What a page's form shows: nothing, a new record, or this one.
#[derive(Debug, Clone, PartialEq)]
pub enum Editing<T> {
    /// No form.
    Closed,
    /// A new record.
    New,
    /// This record.
    Existing(T),
}

impl<T> Editing<T> {
    /// The record being edited (none for a new one); `None` when closed.
    pub fn form(self) -> Option<Option<T>> {
        match self {
            Self::Closed => None,
            Self::New => Some(None),
            Self::Existing(t) => Some(Some(t)),
        }
    }
}

/// How a cell shows its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellStyle {
    /// Plain text.
    Text,
    /// A right-aligned number or amount.
    Number,
    /// A code (monospace).
    Code,
}

/// One column of a directory table.
pub struct Column<T> {
    /// Header text.
    pub label: &'static str,
    /// How the column sorts.
    pub key: Arc<dyn Fn(&T) -> SortKey + Send + Sync>,
    /// The cell's text.
    pub text: Arc<dyn Fn(&T) -> String + Send + Sync>,
    /// How the text shows.
    pub style: CellStyle,
}

impl<T> Column<T> {
    /// A column of `text`, sorted by `key`.
    pub fn new(
        label: &'static str,
        key: impl Fn(&T) -> SortKey + Send + Sync + 'static,
        text: impl Fn(&T) -> String + Send + Sync + 'static,
    ) -> Self {
        Self {
            label,
            key: Arc::new(key),
            text: Arc::new(text),
            style: CellStyle::Text,
        }
    }

    /// A text column sorted by its own text.
    pub fn text(label: &'static str, text: impl Fn(&T) -> String + Send + Sync + 'static) -> Self {
        let text = Arc::new(text);
        let by = text.clone();
        Self {
            label,
            key: Arc::new(move |row: &T| SortKey::text(&by(row))),
            text,
            style: CellStyle::Text,
        }
    }

    /// The same column shown as `style`.
    pub fn styled(mut self, style: CellStyle) -> Self {
        self.style = style;
        self
    }
}

/// A directory record: whether it is active (inactive ones are greyed out).
pub trait Record: Clone + Send + Sync + 'static {
    /// False for deactivated records.
    fn is_active(&self) -> bool;
}

/// Whether a row matches a search: any of its cells contains the query, in any case (empty: all).
fn matches<T>(row: &T, columns: &[Column<T>], query: &str) -> bool {
    let query = query.trim().to_lowercase();
    query.is_empty()
        || columns
            .iter()
            .any(|c| (c.text)(row).to_lowercase().contains(&query))
}

/// The search box, "show inactive" and the "new" button (when the caller may write); a page
/// may add filters of its own (`children`).
#[component]
pub fn DirectoryToolbar<T: Send + Sync + 'static>(
    /// Text the table's rows are filtered by.
    search: RwSignal<String>,
    /// Include deactivated records.
    include_inactive: RwSignal<bool>,
    /// The page's form.
    editing: RwSignal<Editing<T>>,
    /// The "new" button's text.
    new_label: &'static str,
    /// Whether the button shows.
    may_write: bool,
    /// A page's own filters.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let s = t();
    view! {
        <div class="panel form-row">
            <label>{s.directory_search}
                <input type="search" name="search" prop:value=search
                    on:input=move |ev| search.set(event_target_value(&ev)) />
            </label>
            {children.map(|c| c())}
            <label class="inline">
                <input type="checkbox" name="include_inactive" prop:checked=include_inactive
                    on:change=move |ev| include_inactive.set(event_target_checked(&ev)) />
                {s.show_inactive}
            </label>
            {may_write.then(|| view! { <button on:click=move |_| editing.set(Editing::New)>{new_label}</button> })}
        </div>
    }
}

/// The sortable, paged table of a directory; a click (or Enter) on a row opens it in the form
/// when the caller may write.
#[component]
pub fn DirectoryTable<T: Record>(
    /// The records.
    list: Loaded<Result<Vec<T>, ApiError>>,
    /// The columns, in order.
    columns: Vec<Column<T>>,
    /// `data-testid` of the table.
    testid: &'static str,
    /// The first order (a column, or the server's).
    initial: SortOrder,
    /// Where an opened row goes.
    editing: RwSignal<Editing<T>>,
    /// Rows open only for writers.
    may_write: bool,
    /// Only rows with a cell containing this text.
    search: RwSignal<String>,
) -> impl IntoView {
    let s = t();
    let columns = StoredValue::new(columns);
    let order = RwSignal::new(initial);
    let page = RwSignal::new(0usize);
    let found = move |rows: Vec<T>| -> Vec<T> {
        let query = search.get();
        columns.with_value(|cols| {
            rows.into_iter()
                .filter(|r| matches(r, cols, &query))
                .collect()
        })
    };
    effect(move || {
        search.track();
        page.set(0);
    });
    let total = Signal::derive(move || {
        list.get()
            .and_then(Result::ok)
            .map_or(0, |r| found(r).len())
    });
    let header = move || {
        columns.with_value(|cols| {
            cols.iter()
                .enumerate()
                .map(|(i, c)| view! { <SortHeader label=c.label column=i order=order /> })
                .collect_view()
        })
    };
    let body = move |rows: Vec<T>| {
        let key = move |row: &T, column: usize| {
            columns.with_value(|cols| cols.get(column).map_or(SortKey::Num(0), |c| (c.key)(row)))
        };
        sorted_page(&found(rows), order.get(), page.get(), key)
            .into_iter()
            .map(|row| row_view(row, columns, editing, may_write))
            .collect_view()
    };
    view! {
        <div class="panel">
            <Transition fallback=move || view! { <p>{s.loading}</p> }>
                {move || list.get().map(|r| match r {
                    Ok(rows) if rows.is_empty() => view! { <p class="muted">{s.empty}</p> }.into_any(),
                    Ok(rows) => view! {
                        <table class="table" data-testid=testid>
                            <thead><tr>{header}</tr></thead>
                            <tbody>{move || body(rows.clone())}</tbody>
                        </table>
                    }.into_any(),
                    Err(e) => view! { <p class="status-error" role="alert">{e.message()}</p> }.into_any(),
                })}
            </Transition>
            <Pager page=page total=total />
        </div>
    }
}

fn row_view<T: Record>(
    row: T,
    columns: StoredValue<Vec<Column<T>>>,
    editing: RwSignal<Editing<T>>,
    may_write: bool,
) -> impl IntoView {
    let cells = columns.with_value(|cols| {
        cols.iter()
            .map(|c| {
                let text = (c.text)(&row);
                match c.style {
                    CellStyle::Text => view! { <td>{text}</td> }.into_any(),
                    CellStyle::Number => view! { <td class="num">{text}</td> }.into_any(),
                    CellStyle::Code => view! { <td><code>{text}</code></td> }.into_any(),
                }
            })
            .collect_view()
    });
    let inactive = !row.is_active();
    let open = Callback::new(move |()| {
        if may_write {
            editing.set(Editing::Existing(row.clone()));
        }
    });
    view! { <ClickableRow on_open=open inactive=inactive>{cells}</ClickableRow> }
}
