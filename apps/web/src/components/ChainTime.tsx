// Says which clock the page's times are on: the chain's (its latest block's timestamp, which opens
// and closes the meter-reading and challenge windows), and how far it is from the wall clock when a
// local chain's clock was moved forward to pass those windows without waiting.
import { fmtDuration, fmtTime } from '@/lib/format';

/** Chain and wall clocks further apart than this are worth a sentence. */
const DRIFT_S = 120;

export function ChainTime({ now, chainId, wallNow = Date.now() / 1000 }: { now: number; chainId: number; wallNow?: number }) {
  const drift = now - wallNow;
  return (
    <p className="muted" data-testid="chain-time">
      Times are <strong>chain time</strong>, the clock of the latest block ({fmtTime(now)}), which opens and closes the meter-reading and challenge windows
      {Math.abs(drift) > DRIFT_S
        ? chainId === 31337
          ? `. This local chain's clock has been advanced ${fmtDuration(drift)} ${drift > 0 ? 'ahead of' : 'behind'} the wall clock to pass those windows without waiting, so its dates are not today's.`
          : `; it is ${fmtDuration(drift)} ${drift > 0 ? 'ahead of' : 'behind'} this server's wall clock.`
        : '.'}
    </p>
  );
}
