import { healthCheckModel } from '../src/health-check';

describe('healthCheckModel', () => {
  it("maps the target group's thresholds to HAProxy's fall and rise, at the twin's interval", () => {
    // GIVEN the spec's defaults: every 10 s, 3 to turn healthy, 3 to turn unhealthy
    const model = healthCheckModel({ intervalSeconds: 10, healthyThreshold: 3, unhealthyThreshold: 3 }, 1000);
    // THEN
    expect(model.haproxy).toBe('check inter 1000 rise 3 fall 3');
    expect(model).toMatchObject({ downWithinMs: 3000, upWithinMs: 3000, nlbDownWithinSeconds: 30, nlbUpWithinSeconds: 30 });
  });

  it('keeps different healthy and unhealthy thresholds apart', () => {
    const model = healthCheckModel({ intervalSeconds: 30, healthyThreshold: 5, unhealthyThreshold: 2 }, 500);
    expect(model.haproxy).toBe('check inter 500 rise 5 fall 2');
    expect(model).toMatchObject({ downWithinMs: 1000, upWithinMs: 2500, nlbDownWithinSeconds: 60, nlbUpWithinSeconds: 150 });
  });
});
