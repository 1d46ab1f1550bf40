//! A small A4 PDF writer for the clinic's documents: text in DejaVu Sans (embedded, so Cyrillic
//! and Kazakh letters — Ә Ғ Қ Ң Ө Ұ Ү Һ І — print on any machine), left- and right-aligned, and
//! rules. Text is written as glyph ids with a ToUnicode map, so it can be searched and copied
//! (and `pdftotext` reads it back in the tests).

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::OnceLock;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str};

/// The embedded font (DejaVu Sans 2.37, Bitstream Vera licence: `assets/DejaVuSans-LICENSE.txt`).
static FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

/// A4 in points.
pub const PAGE_WIDTH: f32 = 595.0;
/// A4 in points.
pub const PAGE_HEIGHT: f32 = 842.0;

fn face() -> &'static ttf_parser::Face<'static> {
    static FACE: OnceLock<Option<ttf_parser::Face<'static>>> = OnceLock::new();
    FACE.get_or_init(|| ttf_parser::Face::parse(FONT, 0).ok())
        .as_ref()
        .unwrap_or_else(|| unreachable!("the embedded font parses (checked by a test)"))
}

/// One page being laid out: drawing operations and the glyphs they use.
#[derive(Default)]
pub struct Page {
    content: Vec<Op>,
    used: BTreeMap<u16, char>,
}

enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        glyphs: Vec<u16>,
    },
    Rule {
        x1: f32,
        x2: f32,
        y: f32,
    },
}

impl Page {
    /// A new empty page.
    pub fn new() -> Self {
        Self::default()
    }

    fn glyphs(&mut self, text: &str) -> Vec<u16> {
        let face = face();
        text.chars()
            .map(|c| {
                let id = face.glyph_index(c).map_or(0, |g| g.0);
                self.used.entry(id).or_insert(c);
                id
            })
            .collect()
    }

    /// The width of `text` at `size` points.
    pub fn width(text: &str, size: f32) -> f32 {
        let face = face();
        let units = f32::from(face.units_per_em());
        text.chars()
            .map(|c| {
                face.glyph_index(c)
                    .and_then(|g| face.glyph_hor_advance(g))
                    .map_or(0.0, f32::from)
            })
            .sum::<f32>()
            * size
            / units
    }

    /// Text starting at (`x`, `y`) (points from the bottom-left corner).
    pub fn text(&mut self, x: f32, y: f32, size: f32, text: &str) {
        let glyphs = self.glyphs(text);
        self.content.push(Op::Text { x, y, size, glyphs });
    }

    /// Text ending at `right`.
    pub fn text_right(&mut self, right: f32, y: f32, size: f32, text: &str) {
        self.text(right - Self::width(text, size), y, size, text);
    }

    /// Text cut to `max_width` (with an ellipsis) starting at `x`.
    pub fn text_fit(&mut self, x: f32, y: f32, size: f32, text: &str, max_width: f32) {
        if Self::width(text, size) <= max_width {
            return self.text(x, y, size, text);
        }
        let mut cut: String = text.to_owned();
        while !cut.is_empty() && Self::width(&format!("{cut}…"), size) > max_width {
            cut.pop();
        }
        self.text(x, y, size, &format!("{cut}…"));
    }

    /// A thin horizontal rule.
    pub fn rule(&mut self, x1: f32, x2: f32, y: f32) {
        self.content.push(Op::Rule { x1, x2, y });
    }

    /// The finished single-page PDF.
    pub fn finish(self, title: &str) -> Vec<u8> {
        let face = face();
        let scale = 1000.0 / f32::from(face.units_per_em());
        let mut next = 1;
        let mut id = || {
            let r = Ref::new(next);
            next += 1;
            r
        };
        let (catalog, pages, page, content_id) = (id(), id(), id(), id());
        let (font, cid, descriptor, file, cmap, info) = (id(), id(), id(), id(), id(), id());
        let mut pdf = Pdf::new();
        pdf.catalog(catalog).pages(pages);
        pdf.pages(pages).kids([page]).count(1);
        let mut p = pdf.page(page);
        p.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .parent(pages)
            .contents(content_id);
        p.resources().fonts().pair(Name(b"F1"), font);
        p.finish();
        let mut info_dict = pdf.document_info(info);
        info_dict.title(pdf_writer::TextStr(title));
        info_dict.producer(pdf_writer::TextStr("Emhana"));
        info_dict.finish();

        let mut content = Content::new();
        for op in &self.content {
            match op {
                Op::Text { x, y, size, glyphs } => {
                    let bytes: Vec<u8> = glyphs.iter().flat_map(|g| g.to_be_bytes()).collect();
                    content
                        .begin_text()
                        .set_font(Name(b"F1"), *size)
                        .next_line(*x, *y)
                        .show(Str(&bytes))
                        .end_text();
                }
                Op::Rule { x1, x2, y } => {
                    content
                        .set_line_width(0.5)
                        .move_to(*x1, *y)
                        .line_to(*x2, *y)
                        .stroke();
                }
            }
        }
        let content = deflate(content.finish().as_slice());
        pdf.stream(content_id, &content).filter(Filter::FlateDecode);

        let base = Name(b"DejaVuSans");
        let system = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };
        pdf.type0_font(font)
            .base_font(base)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap);
        let mut cid_font = pdf.cid_font(cid);
        cid_font
            .subtype(CidFontType::Type2)
            .base_font(base)
            .system_info(system)
            .font_descriptor(descriptor)
            .cid_to_gid_map_predefined(Name(b"Identity"))
            .default_width(0.0);
        let mut widths = cid_font.widths();
        for gid in self.used.keys() {
            let advance = face
                .glyph_hor_advance(ttf_parser::GlyphId(*gid))
                .map_or(0.0, f32::from);
            widths.consecutive(*gid, [advance * scale]);
        }
        widths.finish();
        cid_font.finish();
        let bbox = face.global_bounding_box();
        pdf.font_descriptor(descriptor)
            .name(base)
            .flags(FontFlags::NON_SYMBOLIC)
            .bbox(Rect::new(
                f32::from(bbox.x_min) * scale,
                f32::from(bbox.y_min) * scale,
                f32::from(bbox.x_max) * scale,
                f32::from(bbox.y_max) * scale,
            ))
            .italic_angle(0.0)
            .ascent(f32::from(face.ascender()) * scale)
            .descent(f32::from(face.descender()) * scale)
            .cap_height(f32::from(face.capital_height().unwrap_or(face.ascender())) * scale)
            .stem_v(80.0)
            .font_file2(file);
        static COMPRESSED: OnceLock<Vec<u8>> = OnceLock::new();
        let compressed = COMPRESSED.get_or_init(|| deflate(FONT));
        pdf.stream(file, compressed)
            .filter(Filter::FlateDecode)
            .pair(Name(b"Length1"), FONT.len() as i32);
        let mut map = UnicodeCmap::new(Name(b"Emhana-UTF16"), system);
        for (gid, c) in &self.used {
            map.pair(*gid, *c);
        }
        let map = map.finish();
        pdf.cmap(cmap, map.as_slice());
        pdf.finish()
    }
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing into a Vec cannot fail.
    let _ = e.write_all(data);
    e.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_font_has_every_kazakh_letter() {
        assert!(ttf_parser::Face::parse(FONT, 0).is_ok());
        for c in "ӘҒҚҢӨҰҮҺІәғқңөұүһі₸№«»".chars() {
            assert!(face().glyph_index(c).is_some(), "{c}");
        }
        assert!(Page::width("Қ", 10.0) > 0.0);
    }

    #[test]
    fn a_page_is_a_pdf() {
        let mut p = Page::new();
        p.text(50.0, 800.0, 12.0, "Квитанция Әлия");
        p.rule(50.0, 545.0, 790.0);
        let bytes = p.finish("test");
        assert!(bytes.starts_with(b"%PDF-"));
        assert!(bytes.len() > 100_000, "the font is embedded");
    }
}
