//! The main window's last size and position, restored on the next start.

use serde::{Deserialize, Serialize};

use crate::{ApiError, Context};

const GEOMETRY_KEY: &str = "window.main.geometry";

/// Physical pixels, as the OS reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowGeometry {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
    pub maximized: bool,
}

/// A monitor's work area, physical pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Area {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
}

impl WindowGeometry {
    /// True when at least 100 px of the title bar lands on one of `monitors`, so a window saved on
    /// a screen that is now unplugged is not restored off-screen.
    pub fn is_reachable_on(&self, monitors: &[Area]) -> bool {
        const GRIP_W: i64 = 100;
        const TITLE_H: i64 = 40;
        let sane = self.width >= 200 && self.height >= 150;
        sane && monitors.iter().any(|m| {
            let (mx, my) = (i64::from(m.x), i64::from(m.y));
            let (mw, mh) = (i64::from(m.width), i64::from(m.height));
            let (x, y, w) = (i64::from(self.x), i64::from(self.y), i64::from(self.width));
            let overlap = (x + w).min(mx + mw) - x.max(mx);
            overlap >= GRIP_W && y >= my - TITLE_H / 2 && y <= my + mh - TITLE_H
        })
    }
}

pub fn load_geometry(ctx: &Context) -> Result<Option<WindowGeometry>, ApiError> {
    let raw = ctx.store()?.setting(GEOMETRY_KEY)?;
    Ok(raw.and_then(|r| serde_json::from_str(&r).ok()))
}

pub fn save_geometry(ctx: &Context, g: &WindowGeometry) -> Result<(), ApiError> {
    let raw = serde_json::to_string(g)
        .map_err(|e| ApiError::new(crate::ErrorCode::Internal, e.to_string()))?;
    ctx.store()?.set_setting_quietly(GEOMETRY_KEY, &raw)?;
    Ok(())
}

/// The setting that records that the seller was told closing hides Koodesk to the tray.
const TRAY_HINT_KEY: &str = "window.tray_hint_shown";

/// Records that closing the window hid it to the tray; true the first time only (then the
/// seller is told why the app keeps running).
pub fn first_hide_to_tray(ctx: &Context) -> Result<bool, ApiError> {
    let mut store = ctx.store()?;
    if store.setting(TRAY_HINT_KEY)?.is_some() {
        return Ok(false);
    }
    store.set_setting_quietly(TRAY_HINT_KEY, "1")?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paths::DataDir;

    const SCREEN: Area = Area {
        x: 0,
        y: 0,
        width: 1920,
        height: 1080,
    };

    fn g(x: i32, y: i32) -> WindowGeometry {
        WindowGeometry {
            x,
            y,
            width: 1200,
            height: 800,
            maximized: false,
        }
    }

    #[test]
    fn a_window_on_screen_is_reachable_and_one_off_screen_is_not() {
        assert!(g(100, 100).is_reachable_on(&[SCREEN]));
        assert!(
            g(-1100, 100).is_reachable_on(&[SCREEN]),
            "title bar corner still visible"
        );
        assert!(
            !g(3000, 100).is_reachable_on(&[SCREEN]),
            "on an unplugged second screen"
        );
        assert!(
            !g(100, 1070).is_reachable_on(&[SCREEN]),
            "title bar below the screen"
        );
        assert!(!g(100, 100).is_reachable_on(&[]));
        let second = Area { x: 1920, ..SCREEN };
        assert!(g(3000, 100).is_reachable_on(&[SCREEN, second]));
    }

    #[test]
    fn geometry_round_trips_through_the_store() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = Context::open(DataDir::at(dir.path())).unwrap();
        assert_eq!(load_geometry(&ctx).unwrap(), None);
        save_geometry(&ctx, &g(40, 50)).unwrap();
        assert_eq!(load_geometry(&ctx).unwrap(), Some(g(40, 50)));
    }

    #[test]
    fn the_tray_hint_is_given_once_per_data_folder() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = Context::open(DataDir::at(dir.path())).unwrap();
        assert!(first_hide_to_tray(&ctx).unwrap());
        assert!(!first_hide_to_tray(&ctx).unwrap());
        drop(ctx);
        let ctx = Context::open(DataDir::at(dir.path())).unwrap();
        assert!(
            !first_hide_to_tray(&ctx).unwrap(),
            "remembered across restarts"
        );
    }
}
