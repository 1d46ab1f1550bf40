//! A legacy visit's lines: one per service (repeats merged), priced exactly; a visit without
//! lines gets one for its own service at the price-list price.

use std::collections::HashMap;

use emhana_domain::Money;
use emhana_store::legacy::{ImportedLine, Rec};

use super::payments::money;
use super::{Appointments, Lines, LINES, T};
use crate::legacy::pipeline::Import;

impl Appointments<'_> {
    /// One line per service (a service twice on one legacy visit is merged: Emhana keeps one
    /// line per service), priced exactly; a visit without lines gets one for its own service.
    pub(super) async fn lines(
        &mut self,
        cx: &mut Import<'_>,
        id: i64,
        r: &Rec,
        own_lines: &[Rec],
    ) -> anyhow::Result<Lines> {
        let mut out = Lines {
            lines: Vec::new(),
            index: HashMap::new(),
            minutes: 0,
        };
        for l in own_lines {
            let Some(line_id) = l.id("id") else { continue };
            let service = match l.id("service_id") {
                Some(s) => cx.tx.mapped("services", s).await?,
                None => None,
            };
            let Some(service_id) = service else {
                cx.report.table(LINES).skipped += 1;
                cx.note(
                    LINES,
                    Some(line_id),
                    "услуга не найдена: строка и её оплаты не перенесены",
                );
                continue;
            };
            let (base_price, duration) = self.terms_of(cx, service_id).await?;
            let price = self.line_price(cx, line_id, l.get("price"), base_price);
            self.sums.legacy_billed += price.tiyn();
            if let Some(i) = out.lines.iter().position(|x| x.service_id == service_id) {
                out.lines[i].price += price.tiyn();
                out.index.insert(line_id, i);
                cx.note(
                    LINES,
                    Some(line_id),
                    format!("услуга повторена в визите #{id}: объединена с первой строкой"),
                );
                continue;
            }
            out.minutes += duration;
            out.index.insert(line_id, out.lines.len());
            out.lines.push(ImportedLine {
                legacy_id: Some(line_id),
                service_id,
                base_price,
                price: price.tiyn(),
                paid: 0,
            });
        }
        if out.lines.is_empty() {
            self.visit_service_line(cx, id, r, &mut out).await?;
        }
        Ok(out)
    }

    /// A service's base price and minutes (read once per service: a clinic has dozens, its
    /// visits name them millions of times).
    async fn terms_of(
        &mut self,
        cx: &mut Import<'_>,
        service_id: i64,
    ) -> anyhow::Result<(i64, i64)> {
        if let Some(terms) = self.terms.get(&service_id) {
            return Ok(*terms);
        }
        let terms = cx.tx.service_terms(service_id).await?.unwrap_or((0, 30));
        self.terms.insert(service_id, terms);
        Ok(terms)
    }

    /// A line's price; v2.6 lines had none of their own: the visit cost the price-list price.
    fn line_price(
        &mut self,
        cx: &mut Import<'_>,
        line_id: i64,
        text: Option<&str>,
        base_price: i64,
    ) -> Money {
        if text.is_none() {
            let base = Money::from_tiyn(base_price);
            cx.note(
                LINES,
                Some(line_id),
                format!("строка без цены: записана цена прайса {base}"),
            );
            return base;
        }
        money(
            text,
            &mut self.sums.rounding_moved,
            cx.report,
            LINES,
            line_id,
            "цена",
        )
        .unwrap_or(Money::ZERO)
    }

    /// A visit without lines: one line for the visit's own service at the price-list price.
    async fn visit_service_line(
        &mut self,
        cx: &mut Import<'_>,
        id: i64,
        r: &Rec,
        out: &mut Lines,
    ) -> anyhow::Result<()> {
        let Some(s) = r.id("service_id") else {
            return Ok(());
        };
        let Some(service_id) = cx.tx.mapped("services", s).await? else {
            return Ok(());
        };
        let (base_price, duration) = self.terms_of(cx, service_id).await?;
        out.minutes += duration;
        self.sums.legacy_billed += base_price;
        out.lines.push(ImportedLine {
            legacy_id: None,
            service_id,
            base_price,
            price: base_price,
            paid: 0,
        });
        let base = Money::from_tiyn(base_price);
        cx.note(
            T,
            Some(id),
            format!("у визита нет строк: создана по услуге визита по цене прайса {base}"),
        );
        Ok(())
    }
}
