//! Settings come from `ticket-service.conf` when it exists.

pub struct Settings {
    pub listen: String,
    pub first_ticket: u64,
}

pub fn load_settings() -> Settings {
    let text = read_config_file().unwrap_or_default();
    let mut settings = Settings { listen: "127.0.0.1:7878".to_string(), first_ticket: 1 };
    for line in text.lines() {
        if let Some(value) = line.strip_prefix("listen=") {
            settings.listen = value.to_string();
        } else if let Some(value) = line.strip_prefix("first_ticket=") {
            settings.first_ticket = value.parse().unwrap_or(1);
        }
    }
    settings
}

fn read_config_file() -> Option<String> {
    std::fs::read_to_string("ticket-service.conf").ok()
}
