use crate::Observation;
use greenhour_primitives::Address;
use greenhour_state::Event;

pub fn reported(feed: &str, round: u64, reporter: &Address, value: i128) -> Event {
    Event::new("oracle.reported")
        .attr("feed", feed)
        .attr("round", round)
        .attr("reporter", reporter)
        .attr("value", value)
}
pub fn published(feed: &str, o: &Observation) -> Event {
    Event::new("oracle.published")
        .attr("feed", feed)
        .attr("round", o.round)
        .attr("value", o.value)
        .attr("min", o.min)
        .attr("max", o.max)
}
