/** Treatment episodes, one verb family a file: start, read, appointments, interventions, TOP reviews, discharge. */
export { didNotAttendRunForRisk, recordAppointmentOutcome, scheduleAppointment } from "./appointments.ts";
export { closeEpisode, discharge } from "./discharge.ts";
export { getEpisode } from "./get.ts";
export { addIntervention, endIntervention } from "./interventions.ts";
export { startEpisode } from "./start.ts";
export { listOverdueTopReviews, recordTopReview } from "./top-reviews.ts";
