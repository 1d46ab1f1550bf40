//! The front desk's SPA bundle: sign-in, CRM with the visit card and payments, visits and the own
//! account, without the owner's pages (they load the full bundle).

fn main() {
    emhana_web::start_desk();
}
