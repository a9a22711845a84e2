from flask import Flask, g

from httpseal.flask import webhook

app = Flask(__name__)
app.config["HTTPSEAL_WEBHOOK_SECRETS"] = {"github": "It's a Secret to Everybody"}


@app.post("/hooks/stripe")
@webhook("stripe", "whsec_0123456789abcdef")  # the endpoint's secret, from Stripe's dashboard
def stripe_events():
    return {"received": g.httpseal.timestamp}  # 400 and a log line when it does not verify


@app.post("/hooks/github")
@webhook("github")  # its secret from app.config["HTTPSEAL_WEBHOOK_SECRETS"]
def github_events():
    return {"delivery": g.httpseal.delivery_id}


if __name__ == "__main__":
    app.run()
