//! English and Spanish: the words (Fluent files in `locales/`, compiled in), the choice of
//! language (the session's switcher, else `Accept-Language`, else English), and money and dates
//! written the locale's way (`€1,234.56` and `1.234,56 €`).

use std::sync::OnceLock;

use contracts::money::Money;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use time::OffsetDateTime;

/// A language of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    /// English (the default).
    #[default]
    En,
    /// Spanish.
    Es,
}

impl Locale {
    /// Every language, in the switcher's order.
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Es];

    /// The language tag (`en`, `es`), as in `<html lang>` and the session.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Es => "es",
        }
    }

    /// The language named by `tag`, if the site has it.
    pub fn from_tag(tag: &str) -> Option<Self> {
        match tag.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Locale::En),
            "es" => Some(Locale::Es),
            _ => None,
        }
    }

    /// The first language of an `Accept-Language` header the site has, by preference.
    pub fn negotiate(accept_language: &str) -> Option<Self> {
        let mut wanted: Vec<(f32, Locale)> = accept_language
            .split(',')
            .filter_map(|item| {
                let mut parts = item.split(';');
                let tag = parts.next()?.trim();
                let primary = tag.split('-').next()?;
                let locale = Locale::from_tag(primary)?;
                let quality = parts
                    .find_map(|part| part.trim().strip_prefix("q="))
                    .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
                (quality > 0.0).then_some((quality, locale))
            })
            .collect();
        // A stable sort keeps the header's order among equal qualities.
        wanted.sort_by(|a, b| b.0.total_cmp(&a.0));
        wanted.first().map(|(_, locale)| *locale)
    }

    /// The name of the language in itself, for the switcher.
    pub fn own_name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::Es => "Español",
        }
    }
}

type Bundle = FluentBundle<FluentResource>;

fn bundle(locale: Locale) -> &'static Bundle {
    static EN: OnceLock<Bundle> = OnceLock::new();
    static ES: OnceLock<Bundle> = OnceLock::new();
    let (cell, source) = match locale {
        Locale::En => (&EN, include_str!("../locales/en.ftl")),
        Locale::Es => (&ES, include_str!("../locales/es.ftl")),
    };
    cell.get_or_init(|| {
        let mut bundle = Bundle::new_concurrent(vec![
            locale
                .tag()
                .parse()
                .unwrap_or_else(|_| unic_langid::LanguageIdentifier::default()),
        ]);
        // No Unicode isolation marks around arguments: both languages are left to right.
        bundle.set_use_isolating(false);
        // The files are compiled in and checked by a test; a broken entry is left out, and
        // its key shows in its place.
        let resource = match FluentResource::try_new(source.to_owned()) {
            Ok(resource) => resource,
            Err((resource, errors)) => {
                tracing::error!(
                    ?errors,
                    locale = locale.tag(),
                    "translation file has errors"
                );
                resource
            }
        };
        if let Err(errors) = bundle.add_resource(resource) {
            tracing::error!(
                ?errors,
                locale = locale.tag(),
                "translation file has errors"
            );
        }
        bundle
    })
}

/// The words of one language, and its way of writing money and dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Words {
    /// The language.
    pub locale: Locale,
}

impl Words {
    /// The words of `locale`.
    pub fn new(locale: Locale) -> Self {
        Self { locale }
    }

    /// The message `key`; the key itself when it is missing (a test checks none is).
    pub fn t(&self, key: &str) -> String {
        self.format(key, None)
    }

    /// The message `key` with one argument.
    pub fn t1(&self, key: &str, name: &str, value: impl ToString) -> String {
        let mut args = FluentArgs::new();
        args.set(name.to_owned(), FluentValue::from(value.to_string()));
        self.format(key, Some(&args))
    }

    /// The message `key` with a number (for plurals: `{ $count -> [one] ... *[other] ... }`).
    pub fn count(&self, key: &str, count: i64) -> String {
        let mut args = FluentArgs::new();
        args.set("count", FluentValue::from(count));
        self.format(key, Some(&args))
    }

    /// Whether `key` has a message.
    pub fn has(&self, key: &str) -> bool {
        bundle(self.locale).has_message(key)
    }

    fn format(&self, key: &str, args: Option<&FluentArgs<'_>>) -> String {
        let bundle = bundle(self.locale);
        let Some(pattern) = bundle.get_message(key).and_then(|message| message.value()) else {
            return key.to_owned();
        };
        let mut errors = Vec::new();
        bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned()
    }

    /// `money` the locale's way: `€1,234.56` in English, `1.234,56 €` in Spanish.
    pub fn money(&self, money: &Money) -> String {
        let decimals = minor_digits(&money.currency);
        let negative = money.amount < 0;
        let amount = money.amount.unsigned_abs();
        let scale = 10u64.pow(decimals);
        let (group, point) = match self.locale {
            Locale::En => (',', '.'),
            Locale::Es => ('.', ','),
        };
        let mut number = group_thousands(amount / scale, group);
        if decimals > 0 {
            number.push(point);
            number.push_str(&format!(
                "{:0width$}",
                amount % scale,
                width = decimals as usize
            ));
        }
        let sign = if negative { "-" } else { "" };
        let symbol = symbol(&money.currency, self.locale);
        match self.locale {
            Locale::En if symbol.len() <= 3 && !symbol.chars().all(char::is_alphabetic) => {
                format!("{sign}{symbol}{number}")
            }
            Locale::En => format!("{sign}{symbol} {number}"),
            Locale::Es => format!("{sign}{number}\u{a0}{symbol}"),
        }
    }

    /// The day of `at` (UTC), the locale's way: `Dec 1, 2026` / `1 dic 2026`.
    pub fn date(&self, at: &OffsetDateTime) -> String {
        self.day(at.to_offset(time::UtcOffset::UTC).date())
    }

    /// A day, the locale's way: `Dec 1, 2026` / `1 dic 2026`.
    pub fn day(&self, day: time::Date) -> String {
        let month = self.t(&format!("month-{}", u8::from(day.month())));
        match self.locale {
            Locale::En => format!("{month} {}, {}", day.day(), day.year()),
            Locale::Es => format!("{} {month} {}", day.day(), day.year()),
        }
    }

    /// A day written `YYYY-MM-DD` (as the API sends days), the locale's way; as it is when it
    /// is not such a day.
    pub fn iso_day(&self, text: &str) -> String {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        time::Date::parse(text, format).map_or_else(|_| text.to_owned(), |day| self.day(day))
    }

    /// A day and time (UTC), the locale's way: `Dec 1, 2026, 14:05 UTC`.
    pub fn date_time(&self, at: &OffsetDateTime) -> String {
        let utc = at.to_offset(time::UtcOffset::UTC);
        format!(
            "{}, {:02}:{:02} UTC",
            self.date(&utc),
            utc.hour(),
            utc.minute()
        )
    }

    /// A number with one decimal, the locale's way (`4.5`, `4,5`).
    pub fn decimal(&self, value: f64) -> String {
        let text = format!("{value:.1}");
        match self.locale {
            Locale::En => text,
            Locale::Es => text.replace('.', ","),
        }
    }

    /// A whole number with the locale's thousands separator.
    pub fn number(&self, value: i64) -> String {
        let group = match self.locale {
            Locale::En => ',',
            Locale::Es => '.',
        };
        let digits = group_thousands(value.unsigned_abs(), group);
        if value < 0 {
            format!("-{digits}")
        } else {
            digits
        }
    }
}

/// ISO 4217 minor digits of the shop's currencies: the Chilean peso has none.
fn minor_digits(currency: &str) -> u32 {
    match currency {
        "CLP" => 0,
        _ => 2,
    }
}

fn symbol(currency: &str, locale: Locale) -> &str {
    match (currency, locale) {
        ("EUR", _) => "€",
        ("GBP", _) => "£",
        ("USD", Locale::En) => "$",
        ("USD", Locale::Es) => "US$",
        (other, _) => other,
    }
}

fn group_thousands(value: u64, separator: char) -> String {
    let digits = value.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(separator);
        }
        grouped.push(digit);
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_written_the_way_of_each_locale() {
        let price = Money::new(123_456, "EUR");
        assert_eq!(Words::new(Locale::En).money(&price), "€1,234.56");
        assert_eq!(Words::new(Locale::Es).money(&price), "1.234,56\u{a0}€");
        assert_eq!(Words::new(Locale::En).money(&Money::new(5, "USD")), "$0.05");
        assert_eq!(
            Words::new(Locale::Es).money(&Money::new(1_999_900, "USD")),
            "19.999,00\u{a0}US$"
        );
        assert_eq!(
            Words::new(Locale::En).money(&Money::new(5000, "CLP")),
            "CLP 5,000"
        );
        assert_eq!(
            Words::new(Locale::En).money(&Money::new(-250, "GBP")),
            "-£2.50"
        );
    }

    #[test]
    fn accept_language_picks_the_preferred_language_the_site_has() {
        assert_eq!(
            Locale::negotiate("es-ES,es;q=0.9,en;q=0.8"),
            Some(Locale::Es)
        );
        assert_eq!(
            Locale::negotiate("fr-FR, en;q=0.5, es;q=0.7"),
            Some(Locale::Es)
        );
        assert_eq!(Locale::negotiate("de, fr"), None);
        assert_eq!(Locale::negotiate("es;q=0, en"), Some(Locale::En));
        assert_eq!(Locale::negotiate("en;q=abc"), None);
        assert_eq!(Locale::negotiate(""), None);
    }

    #[test]
    fn dates_are_written_the_way_of_each_locale() {
        let at = time::macros::datetime!(2026-12-01 14:05 UTC);
        assert_eq!(Words::new(Locale::En).date(&at), "Dec 1, 2026");
        assert_eq!(Words::new(Locale::Es).date(&at), "1 dic 2026");
        assert_eq!(
            Words::new(Locale::Es).date_time(&at),
            "1 dic 2026, 14:05 UTC"
        );
    }

    #[test]
    fn both_languages_have_every_message_of_the_other() {
        let keys = |source: &str| -> Vec<String> {
            source
                .lines()
                .filter(|line| line.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
                .filter_map(|line| line.split_once(" =").map(|(key, _)| key.trim().to_owned()))
                .collect()
        };
        let english = keys(include_str!("../locales/en.ftl"));
        let spanish = keys(include_str!("../locales/es.ftl"));
        for key in &english {
            assert!(Words::new(Locale::Es).has(key), "es.ftl lacks {key}");
        }
        for key in &spanish {
            assert!(Words::new(Locale::En).has(key), "en.ftl lacks {key}");
        }
        assert!(english.len() > 50, "the files were read: {}", english.len());
    }
}
