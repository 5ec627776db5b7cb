//! The market client against the sandbox over real HTTP on loopback: every contract operation,
//! every fault, idempotency, signatures. One test binary; the modules follow the sandbox's seams.

mod applications;
mod attachments;
mod feeds;
mod gateway;
mod orders;
mod support;

use std::time::Duration;

use koodesk_domain::product::Product;
use koodesk_domain::supervision::{FlowState, Party, SellerAction};
use koodesk_market::contract::*;
use koodesk_market::{Client, ClientConfig, Credentials, ErrorClass, MarketError, Site};
use koodesk_sandbox::{Config, Fault, FaultRule, Sandbox};
use serde_json::{json, Value};

/// Monday 2026-11-23 09:00 UTC.
const START: i64 = 1_795_424_400;
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

struct World {
    sandbox: Sandbox,
    client: Client,
    admin: reqwest::Client,
}

impl World {
    async fn new(seed: u64) -> World {
        Self::with(seed, false, ClientConfig::default()).await
    }

    async fn with(seed: u64, demo: bool, cfg: ClientConfig) -> World {
        let mut c = Config::new(seed);
        c.clock_speed = 0.0;
        c.start = Some(START);
        c.demo = demo;
        let sandbox = Sandbox::start(c).await.expect("sandbox starts");
        let client = Client::new(
            &Site::Custom(sandbox.base_url.clone()),
            Credentials::new(sandbox.ak.clone(), sandbox.sk.clone()),
            cfg,
        )
        .expect("client");
        World {
            sandbox,
            client,
            admin: reqwest::Client::new(),
        }
    }

    async fn admin_post(&self, path: &str, body: Value) -> Value {
        let r = self
            .admin
            .post(format!("{}{path}", self.sandbox.base_url))
            .json(&body)
            .send()
            .await
            .expect("admin call");
        assert!(r.status().is_success(), "{path}: {}", r.status());
        r.json().await.expect("admin JSON")
    }

    async fn jump(&self, secs: i64) {
        self.admin_post("/admin/clock", json!({ "advanceSecs": secs }))
            .await;
    }

    async fn fault(&self, route: &str, fault: Fault, times: u32) {
        let rule = FaultRule {
            route: route.into(),
            fault,
            times,
        };
        self.admin_post("/admin/faults", serde_json::to_value(rule).expect("rule"))
            .await;
    }

    async fn counter(&self, name: &str) -> i64 {
        let v: Value = self
            .admin
            .get(format!("{}/admin/counters", self.sandbox.base_url))
            .send()
            .await
            .expect("counters")
            .json()
            .await
            .expect("JSON");
        v["counters"][name].as_i64().unwrap_or(0)
    }

    /// A release that passes review: its files uploaded first, as Koodesk does.
    async fn complete_release(&self, token: &str, name: &str) -> CreateApplication {
        let mut req = release(token, name);
        let upload = |kind, file_name: &'static str, media: &'static str, bytes: &'static [u8]| {
            let c = &self.client;
            let tok = format!("{token}-{file_name}");
            async move {
                let info = c
                    .upload_attachment(&tok, kind, file_name, media, bytes)
                    .await
                    .expect("upload");
                koodesk_domain::product::Attachment {
                    sha256: info.sha256,
                    file_name: file_name.into(),
                    media_type: media.into(),
                    size: bytes.len() as u64,
                    image: None,
                }
            }
        };
        let mut logo = upload(
            AttachmentKind::Logo,
            "logo.png",
            "image/png",
            b"\x89PNG logo bytes",
        )
        .await;
        logo.image = Some(koodesk_domain::product::ImageInfo {
            width: 120,
            height: 120,
        });
        let guide = upload(
            AttachmentKind::Other,
            "guide.pdf",
            "application/pdf",
            b"%PDF guide",
        )
        .await;
        let template = upload(
            AttachmentKind::Template,
            "request.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            b"PK\x03\x04 request template",
        )
        .await;
        req.snapshot.basic.logo = Some(logo);
        req.snapshot.qualification.user_guide = Some(guide);
        if let koodesk_domain::product::Delivery::ProfessionalService {
            request_templates, ..
        } = &mut req.snapshot.basic.delivery
        {
            request_templates.push(koodesk_domain::product::RequestTemplate {
                title: "Migration request".into(),
                form_id: None,
                file: Some(template),
            });
        }
        req
    }

    /// Submits an application and lets the reviewer decide; returns it reviewed.
    async fn reviewed(&self, req: &CreateApplication) -> Application {
        let app = self.client.create_application(req).await.expect("created");
        self.jump(5 * DAY).await;
        self.client
            .get_application(&app.application_id)
            .await
            .expect("reviewed")
    }

    /// Submits an application that must be approved; returns the live product it made or changed.
    async fn approved(&self, req: &CreateApplication) -> LiveProduct {
        let app = self.reviewed(req).await;
        assert_eq!(
            app.status,
            ApplicationStatus::Approved,
            "{:?}",
            app.review_comments
        );
        let id = app.product_id.expect("approved: a product");
        self.client.get_product(&id).await.expect("live product")
    }

    /// Every live product (the demo has fewer than 100).
    async fn products(&self) -> Vec<LiveProduct> {
        self.client
            .list_products(&Page::first(100))
            .await
            .expect("products")
            .products
    }

    /// A new order of `product_id`, once its customer has sent the request (within 31 hours).
    async fn requested_order(&self, product_id: &str) -> ServiceOrder {
        let order = self.new_order(product_id).await;
        self.jump(31 * HOUR).await;
        self.client
            .get_service_order(&order.order_id)
            .await
            .expect("order")
    }

    async fn live_product(&self, product: Product) -> LiveProduct {
        let v = self
            .admin_post("/admin/products", json!({ "product": product }))
            .await;
        serde_json::from_value(v["product"].clone()).expect("product")
    }

    async fn live_service_product(&self) -> LiveProduct {
        let v = self
            .admin_post("/admin/products", json!({ "product": service_product() }))
            .await;
        serde_json::from_value(v["product"].clone()).expect("product")
    }

    async fn new_order(&self, product_id: &str) -> ServiceOrder {
        let v = self
            .admin_post("/admin/orders", json!({ "productId": product_id }))
            .await;
        serde_json::from_value(v["serviceOrder"].clone()).expect("order")
    }
}

fn service_product() -> Product {
    serde_json::from_str(include_str!("../../fixtures/professional-service.json")).expect("fixture")
}

fn modification(token: &str, live: &LiveProduct, snapshot: Product) -> CreateApplication {
    CreateApplication {
        client_token: token.into(),
        r#type: ApplicationType::Modification,
        product_id: Some(live.product_id.clone()),
        base_version: Some(live.version),
        snapshot,
    }
}

fn release(token: &str, name: &str) -> CreateApplication {
    let mut snapshot = service_product();
    snapshot.basic.name = name.into();
    CreateApplication {
        client_token: token.into(),
        r#type: ApplicationType::Release,
        product_id: None,
        base_version: None,
        snapshot,
    }
}
