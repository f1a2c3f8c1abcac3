/** How people quote a referral on the phone. */
export function referralReference(number: number): string {
  return `R-${number}`;
}
